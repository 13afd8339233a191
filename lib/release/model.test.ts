import { describe, expect, it } from 'vitest';
import { translate, type MessageKey } from '@/lib/i18n/messages';
import { because, decide, judge, progressiveSettings, stepWeightsOf, type AnalysisResult, type Because, type ReleaseObject, type ReleaseStatus } from './model';

const START = '2026-11-23T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(START) + seconds * 1000);

function release(status: ReleaseStatus, spec: Partial<NonNullable<ReleaseObject['spec']>> = {}): ReleaseObject {
  return {
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      service: 'podinfo',
      strategy: 'progressive',
      stableVersion: 'v1',
      grayVersion: 'v2',
      stepWeight: 5,
      maxWeight: 50,
      interval: '30s',
      threshold: 5,
      approval: 'beforePromotion',
      ...spec,
    },
    status: { phase: 'Progressing', run: { id: 'r1', startedBy: 'alice', startedAt: START }, currentStep: 0, ...status },
  };
}

const healthy: AnalysisResult = judge({ successRateMin: 99, p99LatencyMaxMs: 500 }, { successRate: 100, p99Ms: 40, requestsPerSecond: 3 }, at(30));
const erroring: AnalysisResult = judge({ successRateMin: 99, p99LatencyMaxMs: 500 }, { successRate: 95, p99Ms: 40, requestsPerSecond: 3 }, at(30));

describe('stepWeightsOf', () => {
  it('counts up by stepWeight and ends exactly at maxWeight', () => {
    expect(stepWeightsOf({ service: 's', stepWeight: 5, maxWeight: 50 })).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(stepWeightsOf({ service: 's', stepWeight: 20, maxWeight: 50 })).toEqual([20, 40, 50]);
  });

  it('uses explicit stepWeights in order, capped by maxWeight', () => {
    expect(stepWeightsOf({ service: 's', stepWeights: [30, 10, 10, 80], maxWeight: 50 })).toEqual([10, 30, 50]);
  });
});

describe('judge', () => {
  it('passes a version inside every limit and says why', () => {
    expect(healthy).toMatchObject({ passed: true, reason: 'success rate 100% ≥ 99%, p99 40 ms ≤ 500 ms' });
  });

  it('fails on a low success rate or a slow p99, naming each', () => {
    expect(erroring).toMatchObject({ passed: false, reason: 'success rate 95% < 99%' });
    const slow = judge({ successRateMin: 99, p99LatencyMaxMs: 500 }, { successRate: 98, p99Ms: 900, requestsPerSecond: 1 }, at(0));
    expect(slow.reason).toBe('success rate 98% < 99%, p99 900 ms > 500 ms');
  });

  // A missing metric is a failed check (Flagger's rule): only a measured value can be inside a limit.
  const limits = { successRateMin: 99, p99LatencyMaxMs: 500 };

  it('fails a version that had no requests in the window: a silent version is not healthy', () => {
    for (const requestsPerSecond of [null, 0]) {
      expect(judge(limits, { successRate: 100, p99Ms: 40, requestsPerSecond }, at(0))).toMatchObject({ passed: false, reason: 'no requests to the gray version in the window' });
    }
  });

  it('fails when the success rate is unknown, even with requests and a good p99', () => {
    expect(judge(limits, { successRate: null, p99Ms: 40, requestsPerSecond: 3 }, at(0))).toMatchObject({ passed: false, reason: 'success rate unknown' });
    expect(judge(limits, { successRate: Number.NaN, p99Ms: 40, requestsPerSecond: 3 }, at(0))).toMatchObject({ passed: false, successRate: null, reason: 'success rate unknown' });
  });

  it('fails when p99 is unknown (no latency histogram), even with a perfect success rate', () => {
    expect(judge(limits, { successRate: 100, p99Ms: null, requestsPerSecond: 3 }, at(0))).toMatchObject({ passed: false, p99Ms: null, reason: 'p99 unknown' });
    expect(judge(limits, { successRate: 100, p99Ms: Number.NaN, requestsPerSecond: 3 }, at(0))).toMatchObject({ passed: false, p99Ms: null, reason: 'p99 unknown' });
    expect(judge(limits, { successRate: 95, p99Ms: null, requestsPerSecond: 3 }, at(0)).reason).toBe('success rate 95% < 99%, p99 unknown');
  });

  it('fails when Prometheus did not answer, with its reason, whatever else was passed in', () => {
    expect(judge(limits, { successRate: 100, p99Ms: 40, requestsPerSecond: 3 }, at(0), because('release.reason.metricsUnavailable', 'metrics unavailable: Prometheus cannot be reached', { message: 'Prometheus cannot be reached' }))).toMatchObject({
      passed: false,
      reason: 'metrics unavailable: Prometheus cannot be reached',
    });
  });

  it('counts a check with an unknown p99 as a failed check of the release', () => {
    const stepped = release({ currentStep: 2, currentWeight: 10, stepStartedAt: START, failedChecks: 1 });
    const unknownP99 = judge(limits, { successRate: 100, p99Ms: null, requestsPerSecond: 3 }, at(30));
    expect(decide(stepped, at(30), unknownP99)).toMatchObject({ type: 'record-check', failedChecks: 2 });
  });
});

describe('decide', () => {
  it('takes the first step at once: at 0% there is nothing to analyse', () => {
    expect(decide(release({}), at(0))).toMatchObject({ type: 'step', step: 1, weight: 5 });
  });

  it('waits an interval after a step, then asks for an analysis', () => {
    const stepped = release({ currentStep: 1, currentWeight: 5, stepStartedAt: START });
    expect(decide(stepped, at(29))).toEqual({ type: 'idle' });
    expect(decide(stepped, at(30))).toEqual({ type: 'analyse' });
  });

  it('steps up after a passing check', () => {
    const stepped = release({ currentStep: 1, currentWeight: 5, stepStartedAt: START });
    expect(decide(stepped, at(30), healthy)).toMatchObject({ type: 'step', step: 2, weight: 10 });
  });

  it('counts a failed check, and rolls back when the count reaches the threshold', () => {
    const stepped = release({ currentStep: 3, currentWeight: 15, stepStartedAt: START, failedChecks: 3 });
    expect(decide(stepped, at(30), erroring)).toMatchObject({ type: 'record-check', failedChecks: 4 });
    const rollback = decide(release({ ...stepped.status, failedChecks: 4 }), at(30), erroring);
    expect(rollback).toMatchObject({ type: 'rollback' });
    expect((rollback as { reason: string }).reason).toBe('5 failed checks (threshold 5); last: success rate 95% < 99%');
  });

  it('asks for approval at maxWeight when the policy wants one, and promotes once approved', () => {
    const top = release({ currentStep: 10, currentWeight: 50, stepStartedAt: START });
    expect(decide(top, at(30), healthy)).toMatchObject({ type: 'request-approval', kind: 'promotion' });
    expect(decide(release({ ...top.status }, { approval: 'none' }), at(30), healthy)).toMatchObject({ type: 'promote' });

    const waiting = release({
      ...top.status,
      phase: 'WaitingApproval',
      waitingFor: 'r1-promotion-10',
      approvals: [{ id: 'r1-promotion-10', kind: 'promotion', state: 'Pending', requestedBy: 'alice', requestedAt: START, summary: '', from: { weights: {}, rules: [] }, to: { weights: {}, rules: [] } }],
    });
    expect(decide(waiting, at(300))).toEqual({ type: 'idle' });
    waiting.status!.approvals![0] = { ...waiting.status!.approvals![0]!, state: 'Approved', decidedBy: 'bob' };
    expect(decide(waiting, at(300))).toMatchObject({ type: 'promote', reason: 'promotion approved by bob', user: 'bob' });
    waiting.status!.approvals![0] = { ...waiting.status!.approvals![0]!, state: 'Rejected', decidedBy: 'bob', comment: 'not today' };
    expect(decide(waiting, at(300))).toMatchObject({ type: 'rollback', reason: 'promotion rejected by bob: not today' });
  });

  it('gates every step with beforeEveryStep', () => {
    expect(decide(release({}, { approval: 'beforeEveryStep' }), at(0))).toMatchObject({ type: 'request-approval', kind: 'step', step: 1, weight: 5 });
  });

  it('finishes a written-down action before anything else, even when paused or aborted', () => {
    const pending = { kind: 'step' as const, step: 2, weight: 10, from: { weights: {}, rules: [] }, reason: '', user: 'weir-controller' };
    expect(decide(release({ currentStep: 1, pending, abortRequested: { by: 'alice', at: START } }), at(0))).toEqual({ type: 'finish-pending' });
  });

  it('does nothing while paused, and rolls back on abort', () => {
    expect(decide(release({ phase: 'Paused', currentStep: 2 }), at(999))).toEqual({ type: 'idle' });
    expect(decide(release({ phase: 'Paused', abortRequested: { by: 'alice', at: START } }), at(0))).toMatchObject({ type: 'rollback', reason: 'aborted by alice' });
  });

  it('promotes early on "promote now" after a passing check, still through the approval gate', () => {
    const early = release({ currentStep: 2, currentWeight: 10, stepStartedAt: START, promoteRequested: { by: 'alice', at: START } });
    expect(decide(early, at(30), healthy)).toMatchObject({ type: 'request-approval', kind: 'promotion' });
  });

  it('leaves finished and manual releases alone', () => {
    expect(decide(release({ phase: 'Succeeded' }), at(0))).toEqual({ type: 'idle' });
    expect(decide(release({}, { strategy: 'manual' }), at(0))).toEqual({ type: 'idle' });
  });
});

describe('reasons in the reader\'s language', () => {
  const limits = { successRateMin: 99, p99LatencyMaxMs: 500 };
  const waiting = (state: 'Approved' | 'Rejected', kind: 'step' | 'promotion', comment?: string) =>
    release({ phase: 'WaitingApproval', waitingFor: 'a', currentStep: 10, approvals: [{ id: 'a', kind, state, step: 3, requestedBy: 'alice', requestedAt: START, decidedBy: 'bob', comment, summary: '', from: { weights: {}, rules: [] }, to: { weights: {}, rules: [] }, run: 'r1' }] });
  const slowAndErroring = judge(limits, { successRate: 95, p99Ms: 900, requestsPerSecond: 3 }, at(0));
  const reasons: Because[] = [
    healthy,
    erroring,
    slowAndErroring,
    judge(limits, { successRate: null, p99Ms: null, requestsPerSecond: 3 }, at(0)),
    judge(limits, { successRate: 100, p99Ms: 40, requestsPerSecond: 0 }, at(0)),
    decide(release({ currentStep: 0 }), at(0)),
    decide(release({ currentStep: 1, stepStartedAt: START, failedChecks: 4 }), at(31), slowAndErroring),
    decide(release({ currentStep: 10, stepStartedAt: START }, { approval: 'none' }), at(31), healthy),
    decide(release({ currentStep: 2, stepStartedAt: START, promoteRequested: { by: 'alice', at: START } }, { approval: 'none' }), at(31), healthy),
    decide(release({ abortRequested: { by: 'alice', at: START } }), at(0)),
    decide(waiting('Approved', 'promotion'), at(0)),
    decide(waiting('Approved', 'step'), at(0)),
    decide(waiting('Rejected', 'promotion', 'not today'), at(0)),
    decide(waiting('Rejected', 'step'), at(0)),
    decide(release({ phase: 'Promoting' }), at(0)),
  ].map((result) => result as Because);

  it('every reason carries a code, and its English is exactly what the catalogue makes of that code', () => {
    for (const { reason, why } of reasons) {
      expect(why, reason).toBeDefined();
      expect(translate('en', why.code as MessageKey, why.params)).toBe(reason);
    }
    expect(reasons.map((item) => item.reason)).toContain('5 failed checks (threshold 5); last: success rate 95% < 99%, p99 900 ms > 500 ms');
  });

  it('in Chinese a reason is Chinese throughout, the last failed check inside a rollback included', () => {
    const rollback = reasons.find((item) => item.reason.startsWith('5 failed checks'))!;
    expect(translate('zh', rollback.why.code as MessageKey, rollback.why.params)).toBe('5 次检查失败（阈值 5）；最近一次：成功率 95% < 99%，p99 900 毫秒 > 500 毫秒');
    for (const { why } of reasons) expect(translate('zh', why.code as MessageKey, why.params)).not.toMatch(/\b(rejected|approved|failed|success|unknown|requests|promot|aborted|first step)\b/);
  });

  it('an analysis recorded before reasons had codes keeps its English inside a coded rollback', () => {
    const old = { ...erroring, why: undefined };
    const rollback = decide(release({ currentStep: 1, stepStartedAt: START, failedChecks: 4 }), at(31), old) as Because;
    expect(translate('zh', rollback.why.code as MessageKey, rollback.why.params)).toBe('5 次检查失败（阈值 5）；最近一次：success rate 95% < 99%');
    expect(because('release.reason.firstStep', 'first step')).toEqual({ reason: 'first step', why: { code: 'release.reason.firstStep' } });
  });
});

describe('progressiveSettings', () => {
  it('names the field that is wrong', () => {
    const result = progressiveSettings.safeParse({
      stableVersion: 'v1',
      grayVersion: 'v1',
      stepWeight: 60,
      maxWeight: 50,
      interval: '10x',
      threshold: 5,
      analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' },
      approval: 'none',
      deleteOldVersion: false,
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['interval', 'grayVersion', 'stepWeight']));
  });
});
