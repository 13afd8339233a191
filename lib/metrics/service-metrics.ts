import 'server-only';
import { weirEnv } from '@/lib/config/env';
import { MetricsUnavailable, queryInstant, queryRange, type InstantSample, type UnavailableReason } from './prometheus';
import { parseDuration, promDuration, queryTiming, requestsPerVersion, serviceSnapshotQuery, type ServiceSelector, type SnapshotStat } from './promql';

/** One moment of the chart: requests per second and share of requests (0..1) per version. */
export interface TrafficPoint {
  /** Unix time in milliseconds. */
  t: number;
  rps: Record<string, number>;
  /** Empty when the service had no requests in the window ending at `t`. */
  share: Record<string, number>;
}

/** A version's latest health; null where Prometheus has no answer (no requests in the window). */
export interface VersionMetrics {
  rps: number;
  successRate: number | null;
  /** Milliseconds. */
  p50: number | null;
  p99: number | null;
}

export type MetricsStatus = 'ok' | 'no-data' | 'unavailable';

/** What the traffic chart of a service shows. */
export interface ServiceMetrics {
  status: MetricsStatus;
  /** Why metrics are unavailable: no Prometheus configured for the cluster, or it failed to answer. */
  reason?: 'not-configured' | UnavailableReason;
  message?: string;
  rangeMinutes: number;
  /** Rate window (of the history) and step as PromQL durations (`20s`). */
  window: string;
  step: string;
  /** The newest point's rate window (`8s`): the last few scrapes, so it follows a weight change quickly. */
  recentWindow: string;
  /** How often Prometheus scrapes (`2s`), as configured; how often a refresh can bring a new point. */
  scrapeInterval: string;
  /** The server's clock when it answered (Unix ms), so the page can say how old the newest point is. */
  now: number;
  /**
   * Points in time order: on multiples of the step over the smoothing window, then the newest point, at the
   * time of Prometheus' latest scrape, over the recent window.
   */
  series: TrafficPoint[];
  perVersion: Record<string, VersionMetrics>;
}

/** The Prometheus URL for a cluster: its entry in WEIR_PROMETHEUS_URLS, else WEIR_PROMETHEUS_URL. */
export function prometheusUrlFor(cluster: string): string | undefined {
  const env = weirEnv();
  return env.WEIR_PROMETHEUS_URLS[cluster] ?? env.WEIR_PROMETHEUS_URL;
}

function finite(value: string | undefined): number | null {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** The snapshot query's series of one stat, by version. */
function statByVersion(samples: InstantSample[], stat: SnapshotStat): Map<string, number | null> {
  return new Map(samples.filter((sample) => sample.metric.stat === stat).map((sample) => [sample.metric.destination_version ?? 'unknown', finite(sample.value[1])]));
}

/** The newest point: the recent window's rate per version, dated at the latest scrape. */
function newestPoint(snapshot: InstantSample[]): TrafficPoint | undefined {
  const scraped = finite(snapshot.find((sample) => sample.metric.stat === 'scraped')?.value[1]);
  if (scraped === null) return undefined;
  const rps = Object.fromEntries([...statByVersion(snapshot, 'recent')].map(([version, value]) => [version, value ?? 0]));
  return { t: Math.round(scraped * 1000), rps, share: {} };
}

function withShares(points: TrafficPoint[]): TrafficPoint[] {
  for (const point of points) {
    const total = Object.values(point.rps).reduce((sum, value) => sum + value, 0);
    point.share = {};
    if (total > 0) for (const [version, value] of Object.entries(point.rps)) point.share[version] = value / total;
  }
  return points;
}

/**
 * Share, rate, success rate and latency per version of one service over the last `rangeMinutes`, in two
 * Prometheus queries (the history as a range query, everything else as one tagged instant query).
 * Prometheus down or failing gives status `unavailable`, never an exception, so the service page keeps
 * working without its charts.
 */
export async function serviceMetrics(cluster: string, selector: ServiceSelector, rangeMinutes: number): Promise<ServiceMetrics> {
  const scrapeInterval = weirEnv().WEIR_PROMETHEUS_SCRAPE_INTERVAL;
  const timing = queryTiming(parseDuration(scrapeInterval), rangeMinutes);
  const now = Date.now();
  const result: ServiceMetrics = {
    status: 'unavailable',
    rangeMinutes,
    window: promDuration(timing.window),
    step: promDuration(timing.step),
    recentWindow: promDuration(timing.recentWindow),
    scrapeInterval,
    now,
    series: [],
    perVersion: {},
  };
  const baseUrl = prometheusUrlFor(cluster);
  if (!baseUrl) return { ...result, reason: 'not-configured', message: `No Prometheus is configured for cluster ${cluster}` };

  // History on multiples of the step, so successive refreshes plot the same instants and the chart does not
  // wobble; the newest point, evaluated now, is what moves.
  const end = Math.floor(now / 1000 / timing.step) * timing.step;
  const range = { start: end - rangeMinutes * 60, end, step: timing.step };
  let answers;
  try {
    answers = await Promise.all([
      queryRange(baseUrl, requestsPerVersion(selector, timing.window), range),
      queryInstant(baseUrl, serviceSnapshotQuery(selector, timing.window, timing.recentWindow), now / 1000),
    ]);
  } catch (error) {
    if (error instanceof MetricsUnavailable) return { ...result, reason: error.reason, message: error.message };
    throw error;
  }
  const [rates, snapshot] = answers;

  const points = new Map<number, TrafficPoint>();
  for (const series of rates) {
    const version = series.metric.destination_version ?? 'unknown';
    for (const [seconds, value] of series.values) {
      let point = points.get(seconds);
      if (!point) points.set(seconds, (point = { t: seconds * 1000, rps: {}, share: {} }));
      point.rps[version] = finite(value) ?? 0;
    }
  }
  const newest = newestPoint(snapshot);
  // A history point at or after the latest scrape holds no newer samples than the newest point itself.
  const history = [...points.values()].filter((point) => !newest || point.t < newest.t).sort((a, b) => a.t - b.t);
  const series = withShares(newest ? [...history, newest] : history);
  if (!series.some((point) => Object.keys(point.share).length > 0)) return { ...result, status: 'no-data' };

  const requests = statByVersion(snapshot, 'requests');
  const ok = statByVersion(snapshot, 'ok');
  const p50 = statByVersion(snapshot, 'p50');
  const p99 = statByVersion(snapshot, 'p99');
  const versions = [...new Set([...rates.map((s) => s.metric.destination_version ?? 'unknown'), ...requests.keys()])].sort();
  const perVersion = Object.fromEntries(
    versions.map((version): [string, VersionMetrics] => {
      const rps = requests.get(version) ?? null;
      return [
        version,
        {
          rps: rps ?? 0,
          successRate: rps ? (ok.get(version) ?? 0) / rps : null,
          p50: p50.get(version) ?? null,
          p99: p99.get(version) ?? null,
        },
      ];
    }),
  );
  return { ...result, status: 'ok', series, perVersion };
}
