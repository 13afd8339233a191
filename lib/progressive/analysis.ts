import 'server-only';
import { MetricsUnavailable, queryInstant } from '@/lib/metrics/prometheus';
import { latencyQuantilePerVersion, requestsPerVersion, successRatePerVersion, type ServiceSelector } from '@/lib/metrics/promql';
import { durationMs, judge, type AnalysisResult, type ReleaseSpec } from '@/lib/release/model';

/**
 * One metric check of a release's gray version: success rate, p99 latency and request rate over the
 * analysis window, from Istio's standard metrics in Prometheus. Prometheus down, no requests, or a figure
 * Prometheus cannot compute (no latency histogram: p99 unknown) is a failed check.
 */
export async function analyseGray(prometheusUrl: string | undefined, selector: ServiceSelector, spec: ReleaseSpec, now: Date): Promise<AnalysisResult> {
  const empty = { successRate: null, p99Ms: null, requestsPerSecond: null };
  if (!prometheusUrl) return judge(spec.analysis, empty, now, 'no Prometheus is configured for this cluster');
  const window = Math.max(1, Math.round(durationMs(spec.analysis?.window ?? '1m') / 1000));
  const time = Math.floor(now.getTime() / 1000);
  try {
    const [rates, success, p99] = await Promise.all([
      queryInstant(prometheusUrl, requestsPerVersion(selector, window), time),
      queryInstant(prometheusUrl, successRatePerVersion(selector, window), time),
      queryInstant(prometheusUrl, latencyQuantilePerVersion(selector, window, 0.99), time),
    ]);
    const ofGray = (samples: typeof rates) => {
      const value = Number(samples.find((sample) => sample.metric.destination_version === spec.grayVersion)?.value[1]);
      return Number.isFinite(value) ? value : null;
    };
    const successRate = ofGray(success);
    return judge(spec.analysis, { requestsPerSecond: ofGray(rates), successRate: successRate === null ? null : successRate * 100, p99Ms: ofGray(p99) }, now);
  } catch (error) {
    if (!(error instanceof MetricsUnavailable)) throw error;
    return judge(spec.analysis, empty, now, `metrics unavailable: ${error.message}`);
  }
}
