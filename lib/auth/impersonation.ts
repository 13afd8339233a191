import 'server-only';
import type { RequestOptions } from 'node:https';
import { KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import type { ClusterTarget } from '@/lib/k8s/clusters';

const GROUP_HEADER = 'impersonate-group';

/**
 * The console's kubeconfig with Impersonate-User and one Impersonate-Group header per group. client-node knows
 * only `impersonateUser`, and both fetch and undici's HTTP/2 client fold repeated headers into one comma-joined
 * value that the API server would take for a single group; so the groups are added below fetch, on HTTP/1.1,
 * where undici sends one header line per value.
 */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly groups: string[]) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const groups = this.groups;
    const base = context.getDispatcher() ?? getGlobalDispatcher();
    context.setDispatcher(
      base.compose((dispatch) => (options, handler) =>
        dispatch({ ...options, headers: withGroups(options.headers, groups), allowH2: false } as Dispatcher.DispatchOptions, handler),
      ),
    );
  }

  /** Node's http (websockets: exec, attach) sends an array header value as repeated lines. */
  override async applyToHTTPSOptions(options: RequestOptions): Promise<void> {
    await super.applyToHTTPSOptions(options);
    options.headers = { ...options.headers, [GROUP_HEADER]: this.groups };
  }
}

function withGroups(headers: Dispatcher.DispatchOptions['headers'], groups: string[]): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  const entries: [string, unknown][] = Array.isArray(headers)
    ? pairs(headers as string[])
    : headers && typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? [...(headers as Iterable<[string, unknown]>)]
      : Object.entries(headers ?? {});
  for (const [name, value] of entries) {
    if (value === undefined || name.toLowerCase() === GROUP_HEADER) continue;
    result[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  result[GROUP_HEADER] = groups;
  return result;
}

function pairs(flat: string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) result.push([flat[index]!, flat[index + 1]!]);
  return result;
}

/**
 * A name as HTTP header bytes: its UTF-8 encoding, one byte per character (fetch, undici and Node's http send a
 * header string as Latin-1). The API server reads the bytes as UTF-8, so `张三` or `josé` reach it as they are
 * written in RoleBindings, not as mojibake (and never as a TypeError for characters above U+00FF).
 */
export function headerBytes(name: string): string {
  return Buffer.from(name, 'utf8').toString('latin1');
}

/** A kubeconfig for one cluster that uses the console's own credentials to act as `user` in `groups`. */
export function impersonatingKubeConfig(target: ClusterTarget, user: string, groups: string[]): KubeConfig {
  const cluster = target.kubeConfig.getCurrentCluster();
  const identity = target.kubeConfig.getCurrentUser();
  if (!cluster || !identity) throw new Error(`cluster ${target.name} has no server or no user`);
  const config = new ImpersonatingKubeConfig(groups.map(headerBytes));
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ ...identity, name: 'weir-impersonator', impersonateUser: headerBytes(user) }],
    contexts: [{ name: target.name, cluster: cluster.name, user: 'weir-impersonator' }],
    currentContext: target.name,
  });
  return config;
}
