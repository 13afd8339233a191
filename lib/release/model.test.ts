import { describe, expect, it } from 'vitest';
import { decide, judge, progressiveSettings, stepWeightsOf, type AnalysisResult, type ReleaseObject, type ReleaseStatus } from './model';

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
    expect(judge(limits, { successRate: 100, p99Ms: 40, requestsPerSecond: 3 }, at(0), 'metrics unavailable: Prometheus cannot be reached')).toMatchObject({
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
