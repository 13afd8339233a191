import 'server-only';
import { weirEnv } from '@/lib/config/env';
import { MetricsUnavailable, queryInstant, queryRange, type InstantSample, type UnavailableReason } from './prometheus';
import {
  latencyQuantilePerVersion,
  parseDuration,
  promDuration,
  queryTiming,
  requestsPerVersion,
  successRatePerVersion,
  type ServiceSelector,
} from './promql';

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
  /** Rate window and step as PromQL durations (`20s`). */
  window: string;
  step: string;
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

function byVersion(samples: InstantSample[]): Map<string, number | null> {
  return new Map(samples.map((sample) => [sample.metric.destination_version ?? 'unknown', finite(sample.value[1])]));
}

/**
 * Share, rate, success rate and latency per version of one service over the last `rangeMinutes`, in four
 * Prometheus queries. Prometheus down or failing gives status `unavailable`, never an exception, so the
 * service page keeps working without its charts.
 */
export async function serviceMetrics(cluster: string, selector: ServiceSelector, rangeMinutes: number): Promise<ServiceMetrics> {
  const timing = queryTiming(parseDuration(weirEnv().WEIR_PROMETHEUS_SCRAPE_INTERVAL), rangeMinutes);
  const result: ServiceMetrics = {
    status: 'unavailable',
    rangeMinutes,
    window: promDuration(timing.window),
    step: promDuration(timing.step),
    series: [],
    perVersion: {},
  };
  const baseUrl = prometheusUrlFor(cluster);
  if (!baseUrl) return { ...result, reason: 'not-configured', message: `No Prometheus is configured for cluster ${cluster}` };

  // Points on multiples of the step, so successive refreshes plot the same instants and the chart does not wobble.
  const end = Math.floor(Date.now() / 1000 / timing.step) * timing.step;
  const range = { start: end - rangeMinutes * 60, end, step: timing.step };
  let answers;
  try {
    answers = await Promise.all([
      queryRange(baseUrl, requestsPerVersion(selector, timing.window), range),
      queryInstant(baseUrl, successRatePerVersion(selector, timing.window), end),
      queryInstant(baseUrl, latencyQuantilePerVersion(selector, timing.window, 0.5), end),
      queryInstant(baseUrl, latencyQuantilePerVersion(selector, timing.window, 0.99), end),
    ]);
  } catch (error) {
    if (error instanceof MetricsUnavailable) return { ...result, reason: error.reason, message: error.message };
    throw error;
  }
  const [rates, success, p50, p99] = answers;

  const points = new Map<number, TrafficPoint>();
  for (const series of rates) {
    const version = series.metric.destination_version ?? 'unknown';
    for (const [seconds, value] of series.values) {
      let point = points.get(seconds);
      if (!point) points.set(seconds, (point = { t: seconds * 1000, rps: {}, share: {} }));
      point.rps[version] = finite(value) ?? 0;
    }
  }
  const series = [...points.values()].sort((a, b) => a.t - b.t);
  for (const point of series) {
    const total = Object.values(point.rps).reduce((sum, value) => sum + value, 0);
    if (total > 0) for (const [version, value] of Object.entries(point.rps)) point.share[version] = value / total;
  }
  if (!series.some((point) => Object.keys(point.share).length > 0)) return { ...result, status: 'no-data' };

  const successByVersion = byVersion(success);
  const p50ByVersion = byVersion(p50);
  const p99ByVersion = byVersion(p99);
  const latest = series.at(-1)!;
  const versions = [...new Set(rates.map((s) => s.metric.destination_version ?? 'unknown'))].sort();
  const perVersion = Object.fromEntries(
    versions.map((version): [string, VersionMetrics] => [
      version,
      {
        rps: latest.rps[version] ?? 0,
        successRate: successByVersion.get(version) ?? null,
        p50: p50ByVersion.get(version) ?? null,
        p99: p99ByVersion.get(version) ?? null,
      },
    ]),
  );
  return { ...result, status: 'ok', series, perVersion };
}
