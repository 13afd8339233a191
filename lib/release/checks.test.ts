import { describe, expect, it } from 'vitest';
import { judgeBaseline, judgeCheck, metricCheck, metricTemplateSpec, renderTemplate, twoProportionZ, unknownPlaceholders } from './checks';

const TOLERANCE = { maxSuccessRateDrop: 1, p99TolerancePercent: 25 };

describe('templates', () => {
  it('renders the four placeholders and leaves nothing else changed', () => {
    const query = 'sum(rate(x{ns="{{namespace}}",svc="{{ service }}",v="{{version}}"}[{{interval}}]))';
    expect(renderTemplate(query, { namespace: 'a', service: 'b', version: 'v2', interval: '60s' })).toBe('sum(rate(x{ns="a",svc="b",v="v2"}[60s]))');
  });

  it('refuses a placeholder Weir does not know', () => {
    expect(unknownPlaceholders('x{a="{{pod}}"}[{{interval}}]')).toEqual(['pod']);
    expect(metricTemplateSpec.safeParse({ query: 'x{a="{{pod}}"}' }).success).toBe(false);
  });

  it('a check needs a limit, and min may not exceed max', () => {
    expect(metricCheck.safeParse({ template: 't' }).success).toBe(false);
    expect(metricCheck.safeParse({ template: 't', min: 2, max: 1 }).success).toBe(false);
    expect(metricCheck.safeParse({ template: 't', max: 1 }).success).toBe(true);
  });
});

describe('judgeCheck', () => {
  it('fails below the minimum volume even with a value in range, and without data', () => {
    expect(judgeCheck({ template: 't', max: 1, minRequests: 100 }, 0.5, 99)).toMatchObject({ passed: false, code: 'release.check.lowVolume' });
    expect(judgeCheck({ template: 't', max: 1, minRequests: 100 }, 0.5, 100)).toMatchObject({ passed: true, code: 'release.check.inRange' });
    expect(judgeCheck({ template: 't', max: 1 }, null, 100)).toMatchObject({ passed: false, code: 'release.check.noData' });
    expect(judgeCheck({ template: 't', min: 1 }, 0.5, 100)).toMatchObject({ passed: false, code: 'release.check.outOfRange' });
  });
});

describe('the baseline judge', () => {
  it('z is positive when gray is worse, 0 when both are perfect', () => {
    expect(twoProportionZ(900, 1000, 990, 1000)!).toBeGreaterThan(8);
    expect(twoProportionZ(1000, 1000, 1000, 1000)).toBe(0);
    expect(twoProportionZ(0, 0, 10, 10)).toBeNull();
  });

  it('passes a gray version hurt as much as stable, fails one hurt alone', () => {
    const spike = { requests: 1000, successRate: 90, p99Ms: 400 };
    expect(judgeBaseline(TOLERANCE, { requests: 1000, successRate: 89.5, p99Ms: 420 }, spike).verdict).toBe('pass');
    expect(judgeBaseline(TOLERANCE, { requests: 1000, successRate: 90, p99Ms: 80 }, { requests: 1000, successRate: 100, p99Ms: 80 })).toMatchObject({ verdict: 'fail', successVerdict: 'fail' });
    expect(judgeBaseline(TOLERANCE, { requests: 1000, successRate: 100, p99Ms: 400 }, { requests: 1000, successRate: 100, p99Ms: 80 })).toMatchObject({ verdict: 'fail', latencyVerdict: 'fail' });
  });

  it('is marginal for a small but significant drop, and for latency past half the tolerance', () => {
    // 98.8% vs 99.5% over 2000 requests each: z ≈ 2.4 but the drop (0.7 points) is within the tolerance.
    expect(judgeBaseline(TOLERANCE, { requests: 2000, successRate: 98.8, p99Ms: 80 }, { requests: 2000, successRate: 99.5, p99Ms: 80 }).verdict).toBe('marginal');
    expect(judgeBaseline(TOLERANCE, { requests: 1000, successRate: 100, p99Ms: 96 }, { requests: 1000, successRate: 100, p99Ms: 80 }).verdict).toBe('marginal');
  });

  it('fails without data on either side', () => {
    expect(judgeBaseline(TOLERANCE, { requests: 0, successRate: null, p99Ms: null }, { requests: 1000, successRate: 100, p99Ms: 80 })).toMatchObject({ verdict: 'fail', code: 'release.baseline.noData' });
  });
});
