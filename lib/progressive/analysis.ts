import 'server-only';
import { MetricsUnavailable, queryInstant } from '@/lib/metrics/prometheus';
import { latencyQuantilePerVersion, requestsPerVersion, successRatePerVersion, type ServiceSelector } from '@/lib/metrics/promql';
import { durationMs, judge, type AnalysisResult, type Because, type ReleaseSpec } from '@/lib/release/model';
import { reason } from './status-message';
import { judgeBaseline } from '@/lib/release/checks';
import { placeholderValues, runChecks } from './checks';

/**
 * One metric check of a release's gray version: success rate, p99 latency and request rate over the
 * analysis window, from Istio's standard metrics in Prometheus. Prometheus down, no requests, or a figure
 * Prometheus cannot compute (no latency histogram: p99 unknown) is a failed check.
 */
export async function analyseGray(prometheusUrl: string | undefined, selector: ServiceSelector, spec: ReleaseSpec, now: Date): Promise<AnalysisResult> {
  const empty = { successRate: null, p99Ms: null, requestsPerSecond: null };
  if (!prometheusUrl) return judge(spec.analysis, empty, now, reason('release.reason.noPrometheus'));
  const window = Math.max(1, Math.round(durationMs(spec.analysis?.window ?? '1m') / 1000));
  const time = Math.floor(now.getTime() / 1000);
  try {
    const [rates, success, p99] = await Promise.all([
      queryInstant(prometheusUrl, requestsPerVersion(selector, window), time),
      queryInstant(prometheusUrl, successRatePerVersion(selector, window), time),
      queryInstant(prometheusUrl, latencyQuantilePerVersion(selector, window, 0.99), time),
    ]);
    const of = (version: string | undefined, samples: typeof rates) => {
      const value = Number(samples.find((sample) => sample.metric.destination_version === version)?.value[1]);
      return Number.isFinite(value) ? value : null;
    };
    const figures = (version: string | undefined) => {
      const rate = of(version, rates);
      const ratio = of(version, success);
      return { requestsPerSecond: rate, requests: rate === null ? null : rate * window, successRate: ratio === null ? null : ratio * 100, p99Ms: of(version, p99) };
    };
    const gray = figures(spec.grayVersion);
    const baselineSettings = spec.analysis?.baseline;
    // With a baseline, gray is judged against stable instead of the fixed limits (a spike that hurts both passes).
    const result = judge(baselineSettings ? { ...spec.analysis, successRateMin: 0, p99LatencyMaxMs: Number.MAX_VALUE } : spec.analysis, gray, now);
    const checks = spec.analysis?.checks?.length
      ? await runChecks(prometheusUrl, spec.analysis.checks, placeholderValues(selector.namespace, spec.service, spec.grayVersion ?? '', window), gray.requests, time)
      : undefined;
    const stable = figures(spec.stableVersion);
    const baseline = baselineSettings ? judgeBaseline(baselineSettings, gray, stable) : undefined;
    if (!checks && !baseline) return result;
    const said = (item: { reason: string; code: string; params: Record<string, string | number> }): Because => ({ reason: item.reason, why: { code: item.code, params: item.params } });
    const problems = [...(baseline && baseline.verdict === 'fail' ? [said(baseline)] : []), ...(checks ?? []).filter((check) => !check.passed).map(said)];
    const passed = result.passed && problems.length === 0;
    const reasons = passed ? [baseline ? said(baseline) : { reason: result.reason, why: result.why! }, ...(checks ?? []).map(said)] : problems;
    return { ...result, passed, ...(result.passed ? joined(reasons) : {}), ...(checks && { checks }), ...(baseline && { baseline }) };
  } catch (error) {
    if (!(error instanceof MetricsUnavailable)) throw error;
    return judge(spec.analysis, empty, now, reason('release.reason.metricsUnavailable', { message: error.message }));
  }
}

/** Several reasons as one, in order, separated by semicolons. */
function joined(reasons: Because[]): Because {
  return reasons.reduce((first, second) => reason('release.reason.joined', { first: first.why, second: second.why }));
}
