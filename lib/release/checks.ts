import { z } from 'zod';
import { coded } from '@/lib/i18n/format';

/*
 * Metric templates (metrictemplates.weir.dev) and the checks a Release takes from them, and the baseline judge
 * (gray against stable over the same window). Pure: lib/progressive/checks.ts runs the queries.
 */

/** The placeholders a template's PromQL may hold; each is replaced by its value when the check runs. */
export const PLACEHOLDERS = ['namespace', 'service', 'version', 'interval'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** The placeholders of a query that Weir does not know. */
export function unknownPlaceholders(query: string): string[] {
  return [...new Set([...query.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name)))];
}

/** The query with its placeholders replaced (values are Kubernetes names and PromQL durations: nothing to escape). */
export function renderTemplate(query: string, values: Record<Placeholder, string>): string {
  return query.replace(PLACEHOLDER, (whole, name: string) => ((PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole));
}

const templateName = z
  .string()
  .min(1, coded('field.templateName'))
  .max(253, coded('field.templateName'))
  .regex(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/, coded('field.templateName'));

/** A MetricTemplate's spec: PromQL with placeholders, and what its value means. */
export const metricTemplateSpec = z.object({
  query: z
    .string()
    .trim()
    .min(1, coded('field.queryEmpty'))
    .max(4096, coded('field.tooBig'))
    .superRefine((query, context) => {
      const unknown = unknownPlaceholders(query);
      if (unknown.length) context.addIssue({ code: 'custom', message: coded('field.unknownPlaceholder'), params: { names: unknown.join(', ') } });
    }),
  description: z.string().max(500, coded('field.tooBig')).optional(),
  unit: z.string().max(32, coded('field.tooBig')).optional(),
});

export type MetricTemplateSpec = z.infer<typeof metricTemplateSpec>;

/** The body of a "save template" request. */
export const metricTemplateBody = z.object({ name: templateName, spec: metricTemplateSpec });

export interface MetricTemplateObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: Partial<MetricTemplateSpec>;
}

/** One row of the templates list. */
export interface MetricTemplateItem {
  name: string;
  namespace: string;
  query: string;
  description?: string;
  unit?: string;
}

const limit = z.number({ error: coded('field.number') }).min(-1e12, coded('field.atLeast')).max(1e12, coded('field.atMost'));

/**
 * A check a Release takes from a template: the value must lie in [min, max] (either may be left out, not both),
 * with at least `minRequests` requests to the gray version in the window (fewer, or no data, fails the check).
 */
export const metricCheck = z
  .object({
    template: templateName,
    min: limit.optional(),
    max: limit.optional(),
    minRequests: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(0, coded('field.atLeast')).max(1e9, coded('field.atMost')).optional(),
  })
  .superRefine((check, context) => {
    if (check.min === undefined && check.max === undefined) context.addIssue({ code: 'custom', path: ['max'], message: coded('field.checkNeedsLimit') });
    if (check.min !== undefined && check.max !== undefined && check.min > check.max) context.addIssue({ code: 'custom', path: ['min'], message: coded('field.checkMinOverMax') });
  });

export type MetricCheck = z.infer<typeof metricCheck>;

/** A check as the Release spec keeps it: the template's query as it was when the release started. */
export type MetricCheckSpec = MetricCheck & { query?: string };

/**
 * The baseline judge's tolerances: the gray success rate may fall at most `maxSuccessRateDrop` percentage points
 * below stable's (and only a drop the z-test finds significant counts), gray p99 at most `p99TolerancePercent`
 * above stable's.
 */
export const baselineSettings = z.object({
  maxSuccessRateDrop: z.number({ error: coded('field.number') }).min(0, coded('field.atLeast')).max(100, coded('field.atMost')),
  p99TolerancePercent: z.number({ error: coded('field.number') }).min(0, coded('field.atLeast')).max(1000, coded('field.atMost')),
});

export type BaselineSettings = z.infer<typeof baselineSettings>;

export const DEFAULT_BASELINE: BaselineSettings = { maxSuccessRateDrop: 1, p99TolerancePercent: 25 };

/** The result of one template check. */
export interface CheckResult {
  template: string;
  passed: boolean;
  value: number | null;
  min?: number;
  max?: number;
  /** Requests to the gray version in the window. */
  requests: number | null;
  minRequests?: number;
  /** What it says, as a catalogue code and parameters (English in `reason`). */
  code: string;
  params: Record<string, string | number>;
  reason: string;
}

export type Verdict = 'pass' | 'marginal' | 'fail';

/** One version's figures over the window. */
export interface VersionFigures {
  requests: number | null;
  successRate: number | null;
  p99Ms: number | null;
}

export interface BaselineResult {
  verdict: Verdict;
  gray: VersionFigures;
  stable: VersionFigures;
  /** Two-proportion z of stable's success rate over gray's (positive: gray is worse). */
  z: number | null;
  /** Percentage points gray's success rate lies below stable's. */
  successRateDrop: number | null;
  /** Gray p99 over stable p99. */
  p99Ratio: number | null;
  successVerdict: Verdict;
  latencyVerdict: Verdict;
  code: string;
  params: Record<string, string | number>;
  reason: string;
}

/** One-sided 99% and 95%: a drop this significant fails (beyond the tolerance) or is marginal. */
export const Z_FAIL = 2.326;
export const Z_MARGINAL = 1.645;

/**
 * Two-proportion z-test of success counts: how many standard errors gray's success rate lies below stable's.
 * Null without requests on either side; 0 when both rates are equal and the pooled variance is nil.
 */
export function twoProportionZ(grayOk: number, grayTotal: number, stableOk: number, stableTotal: number): number | null {
  if (!(grayTotal > 0) || !(stableTotal > 0)) return null;
  const pGray = grayOk / grayTotal;
  const pStable = stableOk / stableTotal;
  const pooled = (grayOk + stableOk) / (grayTotal + stableTotal);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / grayTotal + 1 / stableTotal));
  if (!(se > 0)) return 0;
  return (pStable - pGray) / se;
}

const RANK: Record<Verdict, number> = { pass: 0, marginal: 1, fail: 2 };

export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Judges gray against stable over the same window. Success: a drop counts only when the z-test finds it
 * significant; significant at 99% and beyond the tolerance fails, significant at 95% is marginal. Latency: gray
 * p99 beyond stable's by more than the tolerance fails, by more than half of it is marginal. Missing figures on
 * either side fail (no data is no evidence). The verdict is the worse of the two: a spike that hurts both versions
 * alike passes.
 */
export function judgeBaseline(settings: BaselineSettings, gray: VersionFigures, stable: VersionFigures): BaselineResult {
  const base = { gray, stable, z: null, successRateDrop: null, p99Ratio: null };
  if (!gray.requests || !stable.requests || gray.successRate === null || stable.successRate === null) {
    const params = { grayRequests: round(gray.requests ?? 0, 0), stableRequests: round(stable.requests ?? 0, 0) };
    return {
      ...base,
      verdict: 'fail',
      successVerdict: 'fail',
      latencyVerdict: 'fail',
      code: 'release.baseline.noData',
      params,
      reason: `baseline: no data (gray ${params.grayRequests} requests, stable ${params.stableRequests})`,
    };
  }
  const z = twoProportionZ((gray.successRate / 100) * gray.requests, gray.requests, (stable.successRate / 100) * stable.requests, stable.requests)!;
  const drop = stable.successRate - gray.successRate;
  const successVerdict: Verdict = z >= Z_FAIL && drop > settings.maxSuccessRateDrop ? 'fail' : z >= Z_MARGINAL && drop > 0 ? 'marginal' : 'pass';
  let latencyVerdict: Verdict = 'fail';
  let ratio: number | null = null;
  if (gray.p99Ms !== null && stable.p99Ms !== null && stable.p99Ms > 0) {
    ratio = gray.p99Ms / stable.p99Ms;
    const over = (ratio - 1) * 100;
    latencyVerdict = over > settings.p99TolerancePercent ? 'fail' : over > settings.p99TolerancePercent / 2 ? 'marginal' : 'pass';
  }
  const verdict = RANK[successVerdict] >= RANK[latencyVerdict] ? successVerdict : latencyVerdict;
  const params = {
    verdict,
    graySuccess: round(gray.successRate),
    stableSuccess: round(stable.successRate),
    z: round(z),
    grayP99: gray.p99Ms === null ? '—' : round(gray.p99Ms),
    stableP99: stable.p99Ms === null ? '—' : round(stable.p99Ms),
    tolerance: settings.p99TolerancePercent,
  };
  return {
    ...base,
    z: round(z, 3),
    successRateDrop: round(drop, 3),
    p99Ratio: ratio === null ? null : round(ratio, 3),
    verdict,
    successVerdict,
    latencyVerdict,
    code: 'release.baseline.result',
    params,
    reason:
      `baseline ${verdict}: success ${params.graySuccess}% vs stable ${params.stableSuccess}% (z ${params.z}), ` +
      `p99 ${params.grayP99} ms vs ${params.stableP99} ms (tolerance ${params.tolerance}%)`,
  };
}

/** Judges one template check from its value and the gray version's requests in the window. */
export function judgeCheck(check: MetricCheck, value: number | null, requests: number | null, problem?: 'noData' | 'manySeries' | 'unavailable'): CheckResult {
  const base = { template: check.template, value, requests, ...(check.min !== undefined && { min: check.min }), ...(check.max !== undefined && { max: check.max }), ...(check.minRequests !== undefined && { minRequests: check.minRequests }) };
  const range = `${check.min ?? '-∞'}..${check.max ?? '∞'}`;
  const volume = requests === null ? 0 : round(requests, 0);
  if (check.minRequests !== undefined && volume < check.minRequests) {
    return { ...base, passed: false, code: 'release.check.lowVolume', params: { template: check.template, requests: volume, minRequests: check.minRequests }, reason: `${check.template}: ${volume} requests < ${check.minRequests} needed` };
  }
  if (problem === 'unavailable') return { ...base, passed: false, code: 'release.check.unavailable', params: { template: check.template }, reason: `${check.template}: metrics unavailable` };
  if (problem === 'manySeries') return { ...base, passed: false, code: 'release.check.manySeries', params: { template: check.template }, reason: `${check.template}: the query returns several series` };
  if (value === null || !Number.isFinite(value) || problem === 'noData') {
    return { ...base, value: null, passed: false, code: 'release.check.noData', params: { template: check.template }, reason: `${check.template}: no data` };
  }
  const passed = (check.min === undefined || value >= check.min) && (check.max === undefined || value <= check.max);
  const params = { template: check.template, value: round(value, 4), range };
  return { ...base, passed, code: passed ? 'release.check.inRange' : 'release.check.outOfRange', params, reason: `${check.template} ${params.value} ${passed ? 'in' : 'outside'} ${range}` };
}
