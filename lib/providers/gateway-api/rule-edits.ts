import { invalid } from '@/lib/mesh/errors';
import type { ContentCondition, ContentPolicy, MirrorView } from '@/lib/mesh/types';
import type { BackendRef, HeaderMatch, RouteMatch, RouteRule } from './types';
import { say } from '@/lib/i18n/messages';

/*
 * Edits of the parts of an HTTPRoute the console owns: the weights of the managed rule's backendRefs and the
 * content rules it adds. Each takes a rule and returns a new one; every field it does not own (filters,
 * timeouts, a backend's filters, unknown fields) is spread through as is.
 */

/** What a backendRef Weir writes looks like, with the API's defaults spelled out so the stored object equals the plan. */
export function newBackendRef(name: string, port: number | undefined, weight?: number): BackendRef {
  return { group: '', kind: 'Service', name, ...(port === undefined ? {} : { port }), ...(weight === undefined ? {} : { weight }) };
}

/**
 * Sets the weights of the managed rule. Backends already there keep their place and fields and take their
 * version's weight (0 when it has none: the entry stays, sending nothing); versions with weight that have no
 * backend yet are appended. A version named twice gets its weight on the first entry.
 */
export function withBackendWeights(
  rule: RouteRule,
  weights: Record<string, number>,
  versionOf: (ref: BackendRef) => string | undefined,
  backendName: (version: string) => string,
  port: number | undefined,
): RouteRule {
  const placed = new Set<string>();
  const backendRefs = (rule.backendRefs ?? []).map((ref) => {
    const version = versionOf(ref);
    if (version === undefined) return ref;
    const weight = placed.has(version) ? 0 : (weights[version] ?? 0);
    placed.add(version);
    return { ...ref, weight };
  });
  for (const [version, weight] of Object.entries(weights)) {
    if (weight > 0 && !placed.has(version)) backendRefs.push(newBackendRef(backendName(version), port, weight));
  }
  return { ...rule, backendRefs };
}

/** The rule without the backends of one version (a version being deleted). */
export function withoutVersion(rule: RouteRule, version: string, versionOf: (ref: BackendRef) => string | undefined): RouteRule {
  return { ...rule, backendRefs: (rule.backendRefs ?? []).filter((ref) => versionOf(ref) !== version) };
}

function headerMatch(condition: ContentCondition, field: string): HeaderMatch {
  if (condition.on === 'cookie') return { type: 'RegularExpression', name: 'cookie', value: condition.value };
  if (condition.operator === 'prefix') {
    const regex = `^${condition.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*`;
    throw invalid(say('server.noPrefixMatch'), [{ field, ...say('field.noPrefixMatch', { regex }) }]);
  }
  return { type: condition.operator === 'regex' ? 'RegularExpression' : 'Exact', name: condition.name, value: condition.value };
}

const ANY_PATH = { type: 'PathPrefix', value: '/' } as const;

/** HTTPRoute matches for a content policy: one match for "all", one match per condition for "any". */
export function matchesOf(policy: ContentPolicy, field = 'policy'): RouteMatch[] {
  const headers = policy.conditions.map((condition, index) => headerMatch(condition, `${field}.conditions.${index}.operator`));
  if (policy.match === 'all') return [{ path: { ...ANY_PATH }, headers }];
  return headers.map((header) => ({ path: { ...ANY_PATH }, headers: [header] }));
}

/** A rule sending matching requests to one version's Service; `base` keeps the fields of the rule it replaces. */
export function contentRule(policy: ContentPolicy, backend: string, port: number | undefined, base?: RouteRule, field?: string): RouteRule {
  const [first] = base?.backendRefs ?? [];
  const ref = first ? { ...first, name: backend } : newBackendRef(backend, port);
  return { ...base, matches: matchesOf(policy, field), backendRefs: [ref] };
}

interface MirrorFilter {
  type: 'RequestMirror';
  requestMirror: { backendRef: BackendRef; percent?: number; fraction?: { numerator: number; denominator?: number } };
}

function isMirror(filter: unknown): filter is MirrorFilter {
  return (filter as MirrorFilter | undefined)?.type === 'RequestMirror' && typeof (filter as MirrorFilter).requestMirror?.backendRef?.name === 'string';
}

/**
 * The mirror of the managed rule as one version of the service: its one `RequestMirror` filter to a version's
 * Service, with `percent`, or `fraction` (no share is 100%). Undefined when there is none, several, or another backend.
 */
export function mirrorOfRule(rule: RouteRule | undefined, versionOf: (ref: BackendRef) => string | undefined): MirrorView | undefined {
  const mirrors = (rule?.filters ?? []).filter(isMirror);
  if (mirrors.length !== 1) return undefined;
  const { backendRef, percent, fraction } = mirrors[0]!.requestMirror;
  const version = versionOf(backendRef);
  if (version === undefined) return undefined;
  const share = percent ?? (fraction ? (fraction.numerator / (fraction.denominator ?? 100)) * 100 : 100);
  return { version, percent: Math.round(share * 1000) / 1000 };
}

/**
 * The managed rule copying `percent`% of its requests to `backend` (a `RequestMirror` filter: `percent` when whole,
 * else a `fraction` per 10,000), or to none with null. Its other filters stay where they are.
 */
export function withRuleMirror(rule: RouteRule, backend: string | null, port: number | undefined, percent: number): RouteRule {
  const kept = (rule.filters ?? []).filter((filter) => !isMirror(filter));
  if (backend === null) {
    const { filters: _filters, ...rest } = rule;
    return kept.length > 0 ? { ...rest, filters: kept } : rest;
  }
  const share = percent === 100 ? {} : Number.isInteger(percent) ? { percent } : { fraction: { numerator: Math.round(percent * 100), denominator: 10_000 } };
  const mirror: MirrorFilter = { type: 'RequestMirror', requestMirror: { backendRef: newBackendRef(backend, port), ...share } };
  return { ...rule, filters: [...kept, mirror] };
}
