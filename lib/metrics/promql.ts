/**
 * PromQL for one service's traffic per version, on Istio's standard metrics as the destination proxies report
 * them. Every query returns one series per `destination_version`, so a refresh costs one query per panel.
 */

/**
 * The service whose traffic a query reads: the destination Services that carry it. For Istio that is the
 * Service itself; where versions are Services of their own (Gateway API, SMI), the proxies report each
 * backend Service by its own name, so the query covers the root and every version Service.
 */
export interface ServiceSelector {
  namespace: string;
  services: string[];
}

/** Rate window and range step, in seconds. */
export interface QueryTiming {
  window: number;
  step: number;
}

/** At most this many points per series on a range chart. */
export const MAX_POINTS = 200;

/** Seconds in a Prometheus duration such as `15s` or `1m` (the forms WEIR_PROMETHEUS_SCRAPE_INTERVAL accepts). */
export function parseDuration(duration: string): number {
  const match = /^(\d+)(s|m)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

/** Seconds as a PromQL duration literal. */
export function promDuration(seconds: number): string {
  return `${Math.round(seconds)}s`;
}

/**
 * Window and step for a chart of the last `rangeMinutes`. The step is a multiple of the scrape interval so a
 * range has at most MAX_POINTS points; the window spans at least four scrapes (a rate needs two samples and
 * should survive a missed scrape) and two steps (so no sample falls between two points).
 */
export function queryTiming(scrapeIntervalSeconds: number, rangeMinutes: number): QueryTiming {
  const scrape = Math.max(1, scrapeIntervalSeconds);
  const step = Math.max(1, Math.ceil((rangeMinutes * 60) / MAX_POINTS / scrape)) * scrape;
  return { window: Math.max(4 * scrape, 2 * step), step };
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** RE2-escaped, for a `=~` alternation of exact names. */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matchers(selector: ServiceSelector, extra = ''): string {
  const [only, ...more] = selector.services;
  const service = more.length === 0 ? `destination_service_name=${quote(only ?? '')}` : `destination_service_name=~${quote(selector.services.map(escapeRegex).join('|'))}`;
  return `{reporter="destination",destination_service_namespace=${quote(selector.namespace)},${service}${extra}}`;
}

function requestRate(selector: ServiceSelector, window: number, extra = ''): string {
  return `sum by (destination_version) (rate(istio_requests_total${matchers(selector, extra)}[${promDuration(window)}]))`;
}

/** Requests per second per version. */
export function requestsPerVersion(selector: ServiceSelector, window: number): string {
  return requestRate(selector, window);
}

/** Each version's share of the service's requests, 0..1. */
export function sharePerVersion(selector: ServiceSelector, window: number): string {
  const perVersion = requestRate(selector, window);
  return `${perVersion} / ignoring (destination_version) group_left sum(${perVersion})`;
}

/**
 * Share of non-5xx answers per version, 0..1. The `or ... * 0` keeps a version that answers nothing but 5xx
 * (it has no non-5xx series at all) in the result at 0 instead of dropping it.
 */
export function successRatePerVersion(selector: ServiceSelector, window: number): string {
  const all = requestRate(selector, window);
  const ok = requestRate(selector, window, ',response_code!~"5.."');
  return `(${ok} or (${all} * 0)) / ${all}`;
}

/** The `quantile` (0.5 for p50, 0.99 for p99) of request duration in milliseconds per version. */
export function latencyQuantilePerVersion(selector: ServiceSelector, window: number, quantile: number): string {
  return `histogram_quantile(${quantile}, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket${matchers(selector)}[${promDuration(window)}])))`;
}
