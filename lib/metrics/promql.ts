/**
 * PromQL for services' traffic per version, on Istio's standard metrics as the destination proxies report
 * them. A chart refresh costs two queries whatever the number of versions: a range query of the rate per
 * version, and one instant query that carries every other figure as series tagged with a `stat` label.
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

/** Rate windows and range step, in seconds. */
export interface QueryTiming {
  /** The smoothing window of the chart's history and of the success rate and latency figures. */
  window: number;
  step: number;
  /** The newest point's window: the last four scrapes, so a weight change shows within a few scrapes. */
  recentWindow: number;
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
 * The shortest smoothing window of the chart's history: at a canary's usual few dozen requests per second a
 * point then averages several hundred requests, steady within a few points, however fast Prometheus scrapes.
 */
export const MIN_SMOOTHING_SECONDS = 20;

/** The newest point covers this many scrapes: three intervals of requests, and it survives a missed scrape. */
export const RECENT_SCRAPES = 4;

/**
 * Windows and step for a chart of the last `rangeMinutes`. The step is a multiple of the scrape interval so a
 * range has at most MAX_POINTS points; the smoothing window spans at least four scrapes (a rate needs two
 * samples and should survive a missed scrape), two steps (so no sample falls between two points) and
 * MIN_SMOOTHING_SECONDS. The newest point uses the short recent window instead, so it follows a change within
 * a few scrapes rather than a whole smoothing window.
 */
export function queryTiming(scrapeIntervalSeconds: number, rangeMinutes: number): QueryTiming {
  const scrape = Math.max(1, scrapeIntervalSeconds);
  const step = Math.max(1, Math.ceil((rangeMinutes * 60) / MAX_POINTS / scrape)) * scrape;
  return { window: Math.max(4 * scrape, 2 * step, MIN_SMOOTHING_SECONDS), step, recentWindow: RECENT_SCRAPES * scrape };
}

/** The window of the services list's success rate: a minute, or four scrapes where Prometheus scrapes slower. */
export function listWindow(scrapeIntervalSeconds: number): number {
  return Math.max(60, 4 * Math.max(1, scrapeIntervalSeconds));
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** RE2-escaped, for a `=~` alternation of exact names. */
function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `label="value"` for one value, `label=~"a|b"` (exact names, RE2-escaped) for several. */
function oneOf(label: string, values: string[]): string {
  const distinct = [...new Set(values)];
  return distinct.length <= 1 ? `${label}=${quote(distinct[0] ?? '')}` : `${label}=~${quote(distinct.map(escapeRegex).join('|'))}`;
}

function matchers(selector: ServiceSelector, extra = ''): string {
  return `{reporter="destination",destination_service_namespace=${quote(selector.namespace)},${oneOf('destination_service_name', selector.services)}${extra}}`;
}

const NOT_5XX = ',response_code!~"5.."';

/** Marks every series of `expression` with `stat="<name>"`, so several figures can share one query. */
function tagged(expression: string, name: string): string {
  return `label_replace(${expression}, "stat", ${quote(name)}, "", "")`;
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
  const ok = requestRate(selector, window, NOT_5XX);
  return `(${ok} or (${all} * 0)) / ${all}`;
}

/** The `quantile` (0.5 for p50, 0.99 for p99) of request duration in milliseconds per version. */
export function latencyQuantilePerVersion(selector: ServiceSelector, window: number, quantile: number): string {
  return `histogram_quantile(${quantile}, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket${matchers(selector)}[${promDuration(window)}])))`;
}

/** The `stat` values of `serviceSnapshotQuery`'s series. */
export type SnapshotStat = 'requests' | 'ok' | 'recent' | 'p50' | 'p99' | 'scraped';

/**
 * Everything a service chart shows besides its history, in one instant query: per version the request rate
 * and the non-5xx rate over the smoothing window (success rate = ok / requests; a version answering only 5xx
 * has no `ok` series and is at zero), the request rate over the recent window (the newest point), p50 and p99
 * latency; and, without a version, the time of the newest scrape (`timestamp()` of the samples), which dates
 * the newest point. Each series carries its `stat` (SnapshotStat).
 */
export function serviceSnapshotQuery(selector: ServiceSelector, window: number, recentWindow: number): string {
  return [
    tagged(requestRate(selector, window), 'requests'),
    tagged(requestRate(selector, window, NOT_5XX), 'ok'),
    tagged(requestRate(selector, recentWindow), 'recent'),
    tagged(latencyQuantilePerVersion(selector, window, 0.5), 'p50'),
    tagged(latencyQuantilePerVersion(selector, window, 0.99), 'p99'),
    tagged(`max(timestamp(istio_requests_total${matchers(selector)}))`, 'scraped'),
  ].join(' or ');
}

/**
 * Request rate and non-5xx rate of many services in one instant query, one series per destination Service
 * and `stat` (`requests` / `ok`). The matchers are the namespaces and names of all of them at once, which can
 * also match a name of one namespace in another: the caller keeps the pairs it asked for.
 */
export function servicesSuccessQuery(selectors: ServiceSelector[], window: number): string {
  const namespaces = selectors.map((selector) => selector.namespace);
  const names = selectors.flatMap((selector) => selector.services);
  const filter = `{reporter="destination",${oneOf('destination_service_namespace', namespaces)},${oneOf('destination_service_name', names)}`;
  const rate = (extra: string) => `sum by (destination_service_namespace, destination_service_name) (rate(istio_requests_total${filter}${extra}}[${promDuration(window)}]))`;
  return `${tagged(rate(''), 'requests')} or ${tagged(rate(NOT_5XX), 'ok')}`;
}
