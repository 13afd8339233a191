import { describe, expect, it } from 'vitest';
import { fieldErrors } from '@/lib/http/errors';
import { decide, judge, progressiveSettings, stepWeightsOf, type AnalysisResult, type PlanStep, type ReleaseObject, type ReleaseStatus } from './model';

/* Release plans (`spec.steps`): what decide() does at each kind of step, and what the schema refuses. */

const START = '2026-11-23T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(START) + seconds * 1000);
const PLAN: PlanStep[] = [{ setWeight: 10 }, { pause: '2m' }, { approval: true }, { setWeight: 50 }];

function release(status: ReleaseStatus, approval: 'none' | 'beforePromotion' = 'none', steps: PlanStep[] = PLAN): ReleaseObject {
  return {
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: { service: 'podinfo', strategy: 'progressive', stableVersion: 'v1', grayVersion: 'v2', stepWeight: 5, maxWeight: 50, interval: '30s', threshold: 5, approval, steps },
    status: { phase: 'Progressing', run: { id: 'r1', startedBy: 'alice', startedAt: START }, currentStep: 0, stepStartedAt: START, ...status },
  };
}

const healthy: AnalysisResult = judge({}, { successRate: 100, p99Ms: 40, requestsPerSecond: 3 }, at(30));

describe('a release plan', () => {
  it('has a weight per step: a pause or an approval keeps the weight before it', () => {
    expect(stepWeightsOf(release({}).spec!)).toEqual([10, 10, 10, 50]);
  });

  it('sets the first weight at once, then waits out the pause, then asks for approval', () => {
    expect(decide(release({}), at(0))).toMatchObject({ type: 'step', step: 1, weight: 10 });
    const paused = release({ currentStep: 1, currentWeight: 10 });
    expect(decide(paused, at(119))).toEqual({ type: 'idle' });
    expect(decide(paused, at(120))).toMatchObject({ type: 'step', step: 2, weight: 10, reason: 'paused 2m' });
    expect(decide(release({ currentStep: 2, currentWeight: 10 }), at(121))).toMatchObject({ type: 'request-approval', kind: 'step', step: 3, weight: 10 });
  });

  it('goes on once the approval step is approved, and stops on a rejection', () => {
    const request = { id: 'r1-step-3', kind: 'step' as const, requestedBy: 'alice', requestedAt: START, summary: '', from: { weights: {}, rules: [] }, to: { weights: {}, rules: [] }, run: 'r1', step: 3 };
    const waiting = (state: 'Approved' | 'Rejected') =>
      release({ phase: 'WaitingApproval', currentStep: 2, currentWeight: 10, waitingFor: 'r1-step-3', approvals: [{ ...request, state, decidedBy: 'bob' }] });
    expect(decide(waiting('Approved'), at(200))).toMatchObject({ type: 'step', step: 3, weight: 10, reason: 'step approved by bob' });
    expect(decide(waiting('Rejected'), at(200))).toMatchObject({ type: 'rollback', user: 'bob' });
  });

  it('checks before the next weight and before promotion', () => {
    const approved = release({ currentStep: 3, currentWeight: 10, stepStartedAt: at(200).toISOString() });
    expect(decide(approved, at(229))).toEqual({ type: 'idle' });
    expect(decide(approved, at(230))).toEqual({ type: 'analyse' });
    expect(decide(approved, at(230), healthy)).toMatchObject({ type: 'step', step: 4, weight: 50 });
    const last = release({ currentStep: 4, currentWeight: 50, stepStartedAt: at(300).toISOString() });
    expect(decide(last, at(330), healthy)).toMatchObject({ type: 'promote', user: 'weir-controller' });
    expect(decide({ ...last, spec: { ...last.spec!, approval: 'beforePromotion' } }, at(330), healthy)).toMatchObject({ type: 'request-approval', kind: 'promotion' });
  });

  it('"promote now" skips what is left of the plan after a passing check', () => {
    const asked = release({ currentStep: 1, currentWeight: 10, promoteRequested: { by: 'alice', at: START } });
    expect(decide(asked, at(30))).toEqual({ type: 'analyse' });
    expect(decide(asked, at(30), healthy)).toMatchObject({ type: 'promote', user: 'alice' });
  });
});

describe('an A/B plan (content rule first)', () => {
  const rule = { match: 'any' as const, conditions: [{ on: 'cookie' as const, operator: 'regex' as const, value: '^(.*?;)?(gray=true)(;.*)?$' }] };
  const AB: PlanStep[] = [{ setRule: rule }, { setWeight: 50 }];

  it('routes the matching requests first, without a check (nothing is routed to the gray version yet)', () => {
    expect(stepWeightsOf(release({}, 'none', AB).spec!)).toEqual([0, 50]);
    expect(decide(release({}, 'none', AB), at(0))).toMatchObject({ type: 'step', step: 1, weight: 0, reason: 'first step' });
  });

  it('checks the matching traffic before the next weight and before promotion', () => {
    const ruled = release({ currentStep: 1, currentWeight: 0, stepStartedAt: START }, 'none', AB);
    expect(decide(ruled, at(30))).toEqual({ type: 'analyse' });
    expect(decide(ruled, at(30), healthy)).toMatchObject({ type: 'step', step: 2, weight: 50 });
    const only = release({ currentStep: 1, currentWeight: 0, stepStartedAt: START }, 'none', [{ setRule: rule }]);
    expect(decide(only, at(30))).toEqual({ type: 'analyse' });
    expect(decide(only, at(30), healthy)).toMatchObject({ type: 'promote' });
  });

  it('takes a plan that is a rule alone, and names a bad condition', () => {
    const parse = (steps: unknown) => progressiveSettings.safeParse({ stableVersion: 'v1', grayVersion: 'v2', stepWeight: 5, maxWeight: 50, interval: '30s', threshold: 5, analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' }, approval: 'none', deleteOldVersion: false, steps });
    expect(parse([{ setRule: rule }]).success).toBe(true);
    const bad = parse([{ setRule: { match: 'any', conditions: [{ on: 'header', name: 'x canary', operator: 'exact', value: 'true' }] } }]);
    expect(bad.success ? [] : fieldErrors(bad.error).map((error) => error.field)).toEqual(['steps.0.setRule.conditions.0.name']);
  });
});

describe('a blue/green plan (mirror, then switch at once)', () => {
  const BG: PlanStep[] = [{ setMirror: 100 }, { setMirror: 100 }];
  const parse = (steps: unknown) => progressiveSettings.safeParse({ stableVersion: 'v1', grayVersion: 'v2', stepWeight: 5, maxWeight: 50, interval: '30s', threshold: 5, analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' }, approval: 'none', deleteOldVersion: false, steps });

  it('mirrors first without a check (nothing reaches the gray version yet), the gray weight staying 0', () => {
    expect(stepWeightsOf(release({}, 'none', BG).spec!)).toEqual([0, 0]);
    expect(decide(release({}, 'none', BG), at(0))).toMatchObject({ type: 'step', step: 1, weight: 0, reason: 'first step' });
  });

  it('judges the mirrored traffic before each further step and before the switch', () => {
    const mirrored = release({ currentStep: 1, currentWeight: 0, stepStartedAt: START }, 'none', BG);
    expect(decide(mirrored, at(29))).toEqual({ type: 'idle' });
    expect(decide(mirrored, at(30))).toEqual({ type: 'analyse' });
    expect(decide(mirrored, at(30), healthy)).toMatchObject({ type: 'step', step: 2, weight: 0 });
    const last = release({ currentStep: 2, currentWeight: 0, stepStartedAt: START }, 'none', BG);
    expect(decide(last, at(30), healthy)).toMatchObject({ type: 'promote', reason: expect.stringMatching(/^plan done; success rate/) });
    expect(decide({ ...last, spec: { ...last.spec!, approval: 'beforePromotion' } }, at(30), healthy)).toMatchObject({ type: 'request-approval', kind: 'promotion', weight: 100 });
    const failing = judge({}, { successRate: 90, p99Ms: 40, requestsPerSecond: 3 }, at(30));
    expect(decide(last, at(30), failing)).toMatchObject({ type: 'record-check', failedChecks: 1 });
  });

  it('takes mirror steps alone or with pauses and approvals, and refuses weights beside a mirror, naming each', () => {
    expect(parse([{ setMirror: 100 }]).success).toBe(true);
    expect(parse([{ setMirror: 20 }, { pause: '1m' }, { approval: true }, { setMirror: 100 }]).success).toBe(true);
    const mixed = parse([{ setMirror: 100 }, { setWeight: 10 }, { setWeight: 50 }]);
    expect(mixed.success ? [] : fieldErrors(mixed.error).map((error) => [error.field, error.code])).toEqual([
      ['steps.1.setWeight', 'field.planMirrorWithWeight'],
      ['steps.2.setWeight', 'field.planMirrorWithWeight'],
    ]);
    const over = parse([{ setMirror: 101 }]);
    expect(over.success ? [] : fieldErrors(over.error).map((error) => error.field)).toEqual(['steps.0.setMirror']);
  });
});

describe('the release plan schema', () => {
  const settings = (steps: unknown) => ({
    stableVersion: 'v1',
    grayVersion: 'v2',
    stepWeight: 5,
    maxWeight: 50,
    interval: '30s',
    threshold: 5,
    analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' },
    approval: 'none',
    deleteOldVersion: false,
    steps,
  });
  const problems = (steps: unknown) => {
    const parsed = progressiveSettings.safeParse(settings(steps));
    return parsed.success ? [] : fieldErrors(parsed.error).map(({ field, code, params }) => ({ field, code, params }));
  };

  it('takes a plan with weights going up, pauses and approvals', () => {
    expect(problems(PLAN)).toEqual([]);
  });

  it('names the step whose weight goes down', () => {
    expect(problems([{ setWeight: 50 }, { pause: '1m' }, { setWeight: 20 }])).toEqual([{ field: 'steps.2.setWeight', code: 'field.planDecreasing', params: { previous: 50 } }]);
  });

  it('refuses a plan with no weight, a weight out of range, a bad pause and an unknown step', () => {
    expect(problems([{ pause: '1m' }, { approval: true }])).toEqual([{ field: 'steps', code: 'field.planNoWeight', params: {} }]);
    expect(problems([{ setWeight: 0 }])[0]).toMatchObject({ field: 'steps.0.setWeight', code: 'field.atLeast' });
    expect(problems([{ setWeight: 10 }, { pause: 'soon' }])[0]).toMatchObject({ field: 'steps.1.pause', code: 'field.duration' });
    expect(problems([{ setWeight: 10 }, { wait: true }])[0]).toMatchObject({ field: 'steps.1', code: 'field.planStep' });
  });
});
