/**
 * The message catalogue. English is the source; Simplified Chinese follows the vocabulary of the managed-mesh
 * consoles our users know (虚拟服务, 应用版本, 灰度版本, 灰度策略, 接管所有流量, 删除版本).
 * `{name}` placeholders are filled by `translate`.
 */
export const en = {
  'app.name': 'Weir',
  'app.tagline': 'Gray releases on your service mesh',
  'nav.services': 'Services',
  'nav.virtualServices': 'Virtual services',
  'nav.approvals': 'Approvals',
  'picker.cluster': 'Cluster',
  'picker.namespace': 'Namespace',
  'picker.allNamespaces': 'All namespaces',
  'picker.allClusters': 'All clusters',
  'sandbox.banner': 'Sandbox: a local control plane with simulated mesh traffic. Nothing here touches a real cluster.',
  'language.label': 'Language',
  'common.loading': 'Loading…',
  'common.retry': 'Try again',
  'common.error': 'Something went wrong',
  'health.degraded': 'Some watches are not healthy: {kinds}. Data may be stale.',
  'vs.title': 'Virtual services',
  'vs.subtitle': 'Every VirtualService and where its routes send traffic.',
  'vs.filter': 'Filter by name or host',
  'vs.column.name': 'Name',
  'vs.column.namespace': 'Namespace',
  'vs.column.hosts': 'Hosts',
  'vs.column.routes': 'Routes',
  'vs.empty': 'No virtual services in this scope. Pick another namespace, or create routing for a service.',
  'vs.noMatch': 'No virtual service matches “{filter}”.',
  'vs.count': '{count} virtual services',
  'route.default': 'all other requests',
  'route.when': 'when',
  'route.or': 'or',
  'route.and': 'and',
  'route.extras': 'also sets: {fields}',
  'route.noDestination': 'no destination (redirect or direct response)',
  'match.header': 'header {name} {operator} {value}',
  'match.cookie': 'cookie {operator} {value}',
  'match.uri': 'path {operator} {value}',
  'match.query': 'query {name} {operator} {value}',
  'match.method': 'method {operator} {value}',
  'match.authority': 'authority {operator} {value}',
  'match.other': '{name} {value}',
  'operator.exact': 'is',
  'operator.prefix': 'starts with',
  'operator.regex': 'matches',
  'operator.present': 'is present',
  'error.title': 'This page could not load',
  'error.notFound': 'Not found',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

export const zh: Catalogue = {
  'app.name': 'Weir',
  'app.tagline': '服务网格灰度发布',
  'nav.services': '服务',
  'nav.virtualServices': '虚拟服务',
  'nav.approvals': '审批',
  'picker.cluster': '集群',
  'picker.namespace': '命名空间',
  'picker.allNamespaces': '全部命名空间',
  'picker.allClusters': '全部集群',
  'sandbox.banner': '沙箱环境：本地控制面与模拟的网格流量，不会影响任何真实集群。',
  'language.label': '语言',
  'common.loading': '加载中…',
  'common.retry': '重试',
  'common.error': '出错了',
  'health.degraded': '部分资源监听异常：{kinds}，数据可能不是最新的。',
  'vs.title': '虚拟服务',
  'vs.subtitle': '所有虚拟服务及其路由的流量去向。',
  'vs.filter': '按名称或主机过滤',
  'vs.column.name': '名称',
  'vs.column.namespace': '命名空间',
  'vs.column.hosts': '主机',
  'vs.column.routes': '路由',
  'vs.empty': '当前范围内没有虚拟服务。请选择其他命名空间，或为服务创建路由。',
  'vs.noMatch': '没有匹配“{filter}”的虚拟服务。',
  'vs.count': '共 {count} 个虚拟服务',
  'route.default': '其余所有请求',
  'route.when': '当',
  'route.or': '或',
  'route.and': '且',
  'route.extras': '另设置：{fields}',
  'route.noDestination': '无目标（重定向或直接响应）',
  'match.header': '请求头 {name} {operator} {value}',
  'match.cookie': 'Cookie {operator} {value}',
  'match.uri': '路径 {operator} {value}',
  'match.query': '查询参数 {name} {operator} {value}',
  'match.method': '方法 {operator} {value}',
  'match.authority': '域名 {operator} {value}',
  'match.other': '{name} {value}',
  'operator.exact': '等于',
  'operator.prefix': '前缀为',
  'operator.regex': '匹配正则',
  'operator.present': '存在',
  'error.title': '页面加载失败',
  'error.notFound': '未找到',
};

export const LOCALES = { en, zh } as const;
export type Locale = keyof typeof LOCALES;
export const LOCALE_COOKIE = 'weir-locale';

/** Fills `{name}` placeholders of a catalogue entry. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const template = LOCALES[locale][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Picks the locale from a saved choice first, then the browser's Accept-Language. */
export function negotiateLocale(saved: string | undefined, acceptLanguage: string | null): Locale {
  if (saved === 'en' || saved === 'zh') return saved;
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('zh') ? 'zh' : 'en';
}
