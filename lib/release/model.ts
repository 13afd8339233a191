import { z } from 'zod';
import type { MessageKey } from '@/lib/i18n/en';
import { coded, type Coded } from '@/lib/i18n/format';
import { contentPolicy, cookieMaxAge, cookieName, versionName, type Intent } from '@/lib/mesh/intents';
import type { ContentPolicy, SplitSnapshot } from '@/lib/mesh/types';
import { baselineSettings, metricCheck, type BaselineResult, type BaselineSettings, type CheckResult, type MetricCheckSpec } from './checks';
import { checkUniqueNames, hookSettings, type HookHold, type OutboxItem, type ReleaseHook, type ReleaseNotification } from './hooks-model';

/*
 * The Release resource (releases.weir.dev) as the console reads and writes it, and the progressive-delivery
 * state machine. Pure: the controller (controller.ts) does the I/O and asks `decide` what to do next.
 */

export type { SplitSnapshot } from '@/lib/mesh/types';

/** One line of a service's history: who changed what, when, from which split to which, and why. */
export interface HistoryEntry {
  time: string;
  user: string;
  action: string;
  from: SplitSnapshot;
  to: SplitSnapshot;
  reason?: string;
  /** The reason as a catalogue code, for the reader's language. */
  why?: Coded;
}

export type Phase = 'Pending' | 'Progressing' | 'WaitingApproval' | 'Promoting' | 'Succeeded' | 'RolledBack' | 'Failed' | 'Paused';
export type ApprovalPolicy = 'none' | 'beforePromotion' | 'beforeEveryStep';

/** Phases in which the controller owns the split. */
export const ACTIVE_PHASES: readonly Phase[] = ['Progressing', 'WaitingApproval', 'Promoting', 'Paused'];

export function isActive(status: ReleaseStatus | undefined): boolean {
  return !!status?.phase && ACTIVE_PHASES.includes(status.phase);
}

const duration = (units: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9]+(${units})$`), coded('field.duration'))
    .refine((value) => durationMs(value) >= 1000, coded('field.durationMin'))
    .refine((value) => durationMs(value) <= 24 * 3_600_000, coded('field.durationMax'));

/**
 * One step of a release plan (`spec.steps`): the gray version to a weight, a pause, a team lead's approval, or
 * a content rule (A/B by header or cookie: the matching requests go to the gray version, the rest keep the weights),
 * or a mirror (blue/green: a copy of `setMirror` percent of the requests goes to the gray version, its answers
 * dropped, while stable answers them all; promotion then switches all traffic at once).
 */
export type PlanStep = { setWeight: number } | { pause: string } | { approval: true } | { setRule: ContentPolicy } | { setMirror: number };

const planStep = z.union(
  [
    z.strictObject({ setWeight: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(100, coded('field.atMost')) }),
    z.strictObject({ pause: duration('ms|s|m|h') }),
    z.strictObject({ approval: z.literal(true) }),
    z.strictObject({ setRule: contentPolicy }),
    z.strictObject({ setMirror: z.number({ error: coded('field.number') }).min(1, coded('field.atLeast')).max(100, coded('field.atMost')) }),
  ],
  { error: coded('field.planStep') },
);

/**
 * A release plan: at least one weight, rule or mirror; weights never going down; a mirror (blue/green) never
 * mixed with weights, since blue/green switches at once on promotion (each problem names its step).
 */
export const releasePlan = z
  .array(planStep)
  .max(50, coded('field.planTooLong'))
  .superRefine((steps, context) => {
    let last = 0;
    steps.forEach((step, index) => {
      if (!('setWeight' in step)) return;
      if (step.setWeight < last) context.addIssue({ code: 'custom', path: [index, 'setWeight'], message: coded('field.planDecreasing'), params: { previous: last } });
      last = Math.max(last, step.setWeight);
    });
    const mirrors = steps.some((step) => 'setMirror' in step);
    if (mirrors) {
      steps.forEach((step, index) => {
        if ('setWeight' in step) context.addIssue({ code: 'custom', path: [index, 'setWeight'], message: coded('field.planMirrorWithWeight') });
      });
    }
    if (last === 0 && !mirrors && !steps.some((step) => 'setRule' in step)) context.addIssue({ code: 'custom', path: [], message: coded('field.planNoWeight') });
  });

/** A blue/green plan: gray gets mirrored requests (no weight) until promotion switches all traffic at once. */
export function isBlueGreen(steps: PlanStep[] | undefined): boolean {
  return !!steps?.some((step) => 'setMirror' in step);
}

/** What an operator fills in to start a progressive release (the same schema in the wizard and the route). */
export const progressiveSettings = z
  .object({
    stableVersion: versionName,
    grayVersion: versionName,
    stepWeight: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(100, coded('field.atMost')),
    maxWeight: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(100, coded('field.atMost')),
    interval: duration('ms|s|m|h'),
    threshold: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(100, coded('field.atMost')),
    analysis: z.object({
      successRateMin: z.number({ error: coded('field.number') }).min(0, coded('field.atLeast')).max(100, coded('field.atMost')),
      p99LatencyMaxMs: z.number({ error: coded('field.number') }).min(1, coded('field.atLeast')).max(600_000, coded('field.atMost')),
      window: duration('s|m|h'),
      /** Checks from metric templates, beside the built-in two. */
      checks: z.array(metricCheck).max(10, coded('field.tooBig')).optional(),
      /** Judge gray against stable over the same window instead of the fixed success-rate and p99 limits. */
      baseline: baselineSettings.optional(),
    }),
    approval: z.enum(['none', 'beforePromotion', 'beforeEveryStep']),
    deleteOldVersion: z.boolean(),
    ...hookSettings,
    /** A release plan instead of `stepWeight` / `maxWeight` steps. */
    steps: releasePlan.optional(),
    /** Session affinity: a user who reached the gray version stays on it (its answers set the cookie). */
    sessionAffinity: z.object({ cookieName, maxAge: cookieMaxAge }).optional(),
  })
  .superRefine((settings, context) => {
    checkUniqueNames(settings, context);
    if (settings.stableVersion === settings.grayVersion) {
      context.addIssue({ code: 'custom', path: ['grayVersion'], message: coded('field.grayEqualsStable') });
    }
    if (settings.sessionAffinity && settings.steps?.some((step) => 'setRule' in step || 'setMirror' in step)) {
      context.addIssue({ code: 'custom', path: ['sessionAffinity'], message: coded('field.affinityWithPlan') });
    }
    if (!settings.steps && settings.stepWeight > settings.maxWeight) {
      context.addIssue({ code: 'custom', path: ['stepWeight'], message: coded('field.stepOverMax') });
    }
  });

export type ProgressiveSettings = z.infer<typeof progressiveSettings>;

/** What the service page's release panel may ask. */
export const releaseAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('start'), settings: progressiveSettings }),
  z.object({ action: z.literal('pause') }),
  z.object({ action: z.literal('resume') }),
  z.object({ action: z.literal('promote') }),
  z.object({ action: z.literal('abort') }),
  z.object({ action: z.literal('set-policy'), approval: z.enum(['none', 'beforePromotion', 'beforeEveryStep']) }),
]);

export type ReleaseAction = z.infer<typeof releaseAction>;

/** Scenario 3's numbers (DESIGN.md): 5% steps to 50% every 30 s, ≥ 99% success, p99 ≤ 500 ms, 5 failed checks. */
export const DEFAULT_SETTINGS: Omit<ProgressiveSettings, 'stableVersion' | 'grayVersion'> = {
  stepWeight: 5,
  maxWeight: 50,
  interval: '30s',
  threshold: 5,
  analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' },
  approval: 'beforePromotion',
  deleteOldVersion: false,
};

export interface ReleaseSpec {
  service: string;
  stableVersion?: string;
  grayVersion?: string;
  strategy?: 'manual' | 'progressive';
  stepWeight?: number;
  stepWeights?: number[];
  maxWeight?: number;
  interval?: string;
  threshold?: number;
  analysis?: { successRateMin?: number; p99LatencyMaxMs?: number; window?: string; checks?: MetricCheckSpec[]; baseline?: BaselineSettings };
  approval?: ApprovalPolicy;
  deleteOldVersion?: boolean;
  hooks?: ReleaseHook[];
  notifications?: ReleaseNotification[];
  /** The release plan; without it, the steps are `stepWeights` or multiples of `stepWeight` to `maxWeight`. */
  steps?: PlanStep[];
  /** Session affinity: from the first weight on, the gray version's answers set this cookie and requests carrying it go there. */
  sessionAffinity?: { cookieName: string; maxAge: number };
}

/** A change waiting for a team lead. `change` requests carry a manual wizard intent; the others, a controller step. */
export interface ApprovalRequest {
  id: string;
  kind: 'change' | 'step' | 'promotion';
  state: 'Pending' | 'Approved' | 'Rejected' | 'Superseded';
  requestedBy: string;
  requestedAt: string;
  /** What the change does, in the user's words (`v2 takes over all traffic`), in English. */
  summary: string;
  /** The summary as a catalogue code, for the reader's language. */
  summaryWhy?: Coded;
  from: SplitSnapshot;
  to: SplitSnapshot;
  /** For `change`: the intent to run when approved (its `expected` is the split the requester saw). */
  intent?: unknown;
  /** For `step` / `promotion`: the run and step it belongs to, so an old approval never releases a new step. */
  run?: string;
  step?: number;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
}

/** One row of the Approvals page. */
export interface ApprovalItem {
  cluster: string;
  namespace: string;
  service: string;
  phase?: string;
  request: Omit<ApprovalRequest, 'intent'>;
  /** The signed-in user holds the `approve` verb here and is not the requester. */
  canDecide: boolean;
  mine: boolean;
}

/** The result of one metric check of the gray version. */
export interface AnalysisResult {
  time: string;
  passed: boolean;
  /** Percent; null when Prometheus gave no value (no traffic, Prometheus down). */
  successRate: number | null;
  p99Ms: number | null;
  requestsPerSecond: number | null;
  reason: string;
  /** The reason as a catalogue code, for the reader's language (the English is `reason`). */
  why?: Coded;
  /** The template checks' results (lib/release/checks.ts). */
  checks?: CheckResult[];
  /** The baseline judge's result, when the release compares gray with stable. */
  baseline?: BaselineResult;
}

/**
 * A split change the controller has decided and written down before carrying it out. After a crash the
 * controller finds it here and finishes it (the write is idempotent), so a step is neither repeated nor lost.
 */
export interface PendingAction {
  kind: 'step' | 'promote' | 'rollback';
  step: number;
  weight: number;
  from: SplitSnapshot;
  reason: string;
  why?: Coded;
  user: string;
}

export interface ReleaseStatus {
  phase?: Phase;
  run?: { id: string; startedBy: string; startedAt: string };
  currentStep?: number;
  currentWeight?: number;
  failedChecks?: number;
  /** When the current step began (or the last check ran): the next check is due an interval later. */
  stepStartedAt?: string;
  lastAnalysis?: AnalysisResult;
  pending?: PendingAction;
  /** The approval request a WaitingApproval phase waits for. */
  waitingFor?: string;
  /** The phase to return to on resume. */
  pausedFrom?: Phase;
  abortRequested?: { by: string; at: string };
  promoteRequested?: { by: string; at: string };
  /** In English; `messageCode` and `messageParams` say it in the catalogue's words (lib/i18n). */
  message?: string;
  messageCode?: string;
  messageParams?: Coded['params'];
  history?: HistoryEntry[];
  approvals?: ApprovalRequest[];
  /** Release events not yet confirmed by every receiver (delivered at least once, lib/progressive/notify.ts). */
  outbox?: OutboxItem[];
  /** The hook the release is held at, if any. */
  heldBy?: HookHold;
}

export interface ReleaseObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: ReleaseSpec;
  status?: ReleaseStatus;
}

/** Milliseconds in a duration such as `500ms`, `30s`, `5m` or `1h`. */
export function durationMs(value: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!match) return Number.NaN;
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * scale;
}

/** The gray weights of the steps, ending at maxWeight: explicit `stepWeights`, or multiples of `stepWeight`. */
export function stepWeightsOf(spec: ReleaseSpec): number[] {
  if (spec.steps?.length) return planWeights(spec.steps);
  const max = spec.maxWeight ?? 50;
  if (spec.stepWeights?.length) {
    const steps = [...new Set(spec.stepWeights.filter((weight) => weight > 0 && weight <= max))].sort((a, b) => a - b);
    return steps.at(-1) === max ? steps : [...steps, max];
  }
  const step = Math.max(1, spec.stepWeight ?? 5);
  const steps: number[] = [];
  for (let weight = step; weight < max; weight += step) steps.push(weight);
  return [...steps, max];
}

/** The gray weight once each step of a plan is done (a pause or an approval keeps the weight before it). */
export function planWeights(steps: PlanStep[]): number[] {
  let weight = 0;
  return steps.map((step) => (weight = 'setWeight' in step ? step.setWeight : weight));
}

/** A plan in a line: `10% → pause 2m → approval → 50%` (the words for pause, approval, a rule and a mirror are the caller's). */
export function planSummary(
  steps: PlanStep[],
  words: { pause: (duration: string) => string; approval: string; rule?: (rule: string) => string; mirror?: (percent: number) => string },
): string {
  return steps
    .map((step) =>
      'setWeight' in step
        ? `${step.setWeight}%`
        : 'pause' in step
          ? words.pause(step.pause)
          : 'setRule' in step
            ? (words.rule ?? String)(ruleSummary(step.setRule))
            : 'setMirror' in step
              ? (words.mirror ?? ((percent) => `mirror ${percent}%`))(step.setMirror)
              : words.approval,
    )
    .join(' → ');
}

/** A content rule in a line: `cookie ~ ^(.*?;)?(user=beta)(;.*)?$`, `x-canary = true`, joined by and / or. */
export function ruleSummary(policy: ContentPolicy): string {
  const operator = { exact: '=', prefix: '^=', regex: '~' } as const;
  return policy.conditions
    .map((condition) => (condition.on === 'cookie' ? `cookie ~ ${condition.value}` : `${condition.name} ${operator[condition.operator]} ${condition.value}`))
    .join(policy.match === 'all' ? ' and ' : ' or ');
}

/** What one check measured of the gray version over the analysis window; null where Prometheus had no value. */
export interface Measured {
  successRate: number | null;
  p99Ms: number | null;
  requestsPerSecond: number | null;
}

/**
 * Judges one check. Every limit must hold on a measured value, so a missing metric fails the check (as in
 * Flagger): Prometheus not answering (`unavailable`, the reason), no requests in the window (a silent version
 * is not healthy), or a success rate or p99 that Prometheus could not compute.
 */
export function judge(analysis: ReleaseSpec['analysis'], measured: Measured, time: Date, unavailable?: Because): AnalysisResult {
  const known = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);
  const values = { successRate: known(measured.successRate), p99Ms: known(measured.p99Ms), requestsPerSecond: known(measured.requestsPerSecond) };
  const base = { time: time.toISOString(), ...values };
  if (unavailable !== undefined) return { ...base, passed: false, ...unavailable };
  if (!values.requestsPerSecond || values.requestsPerSecond <= 0) return { ...base, passed: false, ...because('release.reason.noRequests', 'no requests to the gray version in the window') };
  const min = analysis?.successRateMin ?? 99;
  const maxP99 = analysis?.p99LatencyMaxMs ?? 500;
  const rate = values.successRate === null ? undefined : String(round(values.successRate));
  const p99 = values.p99Ms === null ? undefined : String(round(values.p99Ms));
  const problems: Because[] = [];
  if (rate === undefined) problems.push(because('release.reason.successUnknown', 'success rate unknown'));
  else if (values.successRate! < min) problems.push(because('release.reason.successLow', `success rate ${rate}% < ${min}%`, { rate, min: String(min) }));
  if (p99 === undefined) problems.push(because('release.reason.p99Unknown', 'p99 unknown'));
  else if (values.p99Ms! > maxP99) problems.push(because('release.reason.p99High', `p99 ${p99} ms > ${maxP99} ms`, { p99, max: String(maxP99) }));
  if (problems.length === 2) return { ...base, passed: false, ...because('release.reason.both', `${problems[0]!.reason}, ${problems[1]!.reason}`, { first: problems[0]!.why, second: problems[1]!.why }) };
  if (problems.length === 1) return { ...base, passed: false, ...problems[0]! };
  return { ...base, passed: true, ...because('release.reason.passed', `success rate ${rate}% ≥ ${min}%, p99 ${p99} ms ≤ ${maxP99} ms`, { rate: rate!, min: String(min), p99: p99!, max: String(maxP99) }) };
}

/**
 * A reason in English (for kubectl, logs and notifications) and as a catalogue code (for the console's reader).
 * This module is shared with the browser, which must not load the English catalogue, so the English is written
 * here; model.test.ts checks that it reads exactly as the catalogue renders the code.
 */
export interface Because {
  reason: string;
  why: Coded;
}

export function because(code: MessageKey, reason: string, params?: Coded['params']): Because {
  return { reason, why: params ? { code, params } : { code } };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** What the controller should do next with a progressive release. */
export type Decision =
  | { type: 'idle' }
  /** An analysis is due: run it and ask again with the result. */
  | { type: 'analyse' }
  /** Finish the action written down in `status.pending` (after a crash, or a write that did not complete). */
  | { type: 'finish-pending' }
  | { type: 'record-check'; analysis: AnalysisResult; failedChecks: number }
  | ({ type: 'step'; step: number; weight: number; analysis?: AnalysisResult } & Because)
  | { type: 'request-approval'; kind: 'step' | 'promotion'; step: number; weight: number; analysis?: AnalysisResult }
  | ({ type: 'promote'; user: string; analysis?: AnalysisResult } & Because)
  | ({ type: 'rollback'; user: string; analysis?: AnalysisResult } & Because);

const CONTROLLER = 'weir-controller';

/**
 * The next move of a progressive release, from its spec and status alone (plus an analysis once one is
 * asked for). Steps go one at a time; an approval gate stops before the step or promotion it guards; a failed
 * check counts, and at `threshold` failed checks the release rolls back.
 */
export function decide(release: ReleaseObject, now: Date, analysis?: AnalysisResult): Decision {
  const spec = release.spec;
  const status = release.status ?? {};
  if (!spec || spec.strategy !== 'progressive' || !isActive(status) || !status.run) return { type: 'idle' };
  if (status.pending) return { type: 'finish-pending' };
  if (status.abortRequested) {
    const by = status.abortRequested.by;
    return { type: 'rollback', ...because('release.reason.aborted', `aborted by ${by}`, { user: by }), user: by };
  }
  if (status.phase === 'Paused') return { type: 'idle' };

  const steps = stepWeightsOf(spec);
  const current = status.currentStep ?? 0;

  if (status.phase === 'WaitingApproval') {
    const request = status.approvals?.find((item) => item.id === status.waitingFor);
    if (!request || request.state === 'Pending') return { type: 'idle' };
    if (request.state === 'Rejected') {
      const by = request.decidedBy ?? CONTROLLER;
      const rejected = request.comment
        ? because('release.reason.rejectedWithComment', `${request.kind} rejected by ${request.decidedBy}: ${request.comment}`, { kind: request.kind, user: by, comment: request.comment })
        : because('release.reason.rejected', `${request.kind} rejected by ${request.decidedBy}`, { kind: request.kind, user: by });
      return { type: 'rollback', ...rejected, user: by };
    }
    const by = request.decidedBy ?? CONTROLLER;
    if (request.kind === 'promotion') return { type: 'promote', ...because('release.reason.promotionApproved', `promotion approved by ${by}`, { user: by }), user: by };
    const step = request.step ?? current + 1;
    return { type: 'step', step, weight: steps[step - 1] ?? steps.at(-1)!, ...because('release.reason.stepApproved', `step approved by ${by}`, { user: by }) };
  }

  if (status.phase === 'Promoting') return { type: 'promote', ...because('release.reason.promotion', 'promotion'), user: CONTROLLER };

  // Progressing. The first step needs no analysis: at 0% the gray version has no traffic to judge.
  if (spec.steps?.length) {
    const move = planMove(spec, status, current, now);
    if (move) return move;
  } else if (current === 0) return gate(spec, 1, steps[0]!, FIRST_STEP);
  const interval = durationMs(spec.interval ?? '30s');
  const since = Date.parse(status.stepStartedAt ?? status.run.startedAt);
  if (now.getTime() - since < interval) return { type: 'idle' };
  if (!analysis) return { type: 'analyse' };

  if (!analysis.passed) {
    const failedChecks = (status.failedChecks ?? 0) + 1;
    const threshold = spec.threshold ?? 5;
    if (failedChecks >= threshold) {
      return { type: 'rollback', ...failedChecksReason(failedChecks, threshold, reasonOf(analysis)), user: CONTROLLER, analysis };
    }
    return { type: 'record-check', analysis, failedChecks };
  }
  if (status.promoteRequested || current >= steps.length) {
    const why = status.promoteRequested
      ? because('release.reason.promoteNow', `promote now (asked by ${status.promoteRequested.by})`, { user: status.promoteRequested.by })
      : spec.steps?.length
        ? because('release.reason.planDone', 'plan done')
        : because('release.reason.reached', `reached ${steps.at(-1)}%`, { weight: steps.at(-1)! });
    const check = reasonOf(analysis);
    return spec.approval === 'none' || !spec.approval
      ? { type: 'promote', ...because('release.reason.promoteAfter', `${why.reason}; ${check.reason}`, { why: why.why, check: check.why }), user: status.promoteRequested?.by ?? CONTROLLER, analysis }
      : { type: 'request-approval', kind: 'promotion', step: current, weight: 100, analysis };
  }
  return gate(spec, current + 1, steps[current]!, reasonOf(analysis), analysis);
}

const FIRST_STEP = because('release.reason.firstStep', 'first step');

/** An analysis's reason with its code (an analysis recorded before codes were carries its English only). */
function reasonOf(analysis: AnalysisResult): Because {
  return { reason: analysis.reason, why: analysis.why ?? { code: 'release.reason.text', params: { text: analysis.reason } } };
}

/** The reason of a rollback at the failed-check threshold, with the last failure inside. */
export function failedChecksReason(failed: number, threshold: number, last: Because): Because {
  return because('release.reason.failedChecks', `${failed} failed checks (threshold ${threshold}); last: ${last.reason}`, { failed, threshold, last: last.why });
}

/**
 * The next move of a release plan that needs no analysis: an approval step asks for one, a pause step ends
 * once its time is up (a step to the weight already in place), and a first weight goes without a check.
 * Undefined when the next move is a weight or promotion after a passing check (or "promote now" was asked).
 */
function planMove(spec: ReleaseSpec, status: ReleaseStatus, current: number, now: Date): Decision | undefined {
  const next = spec.steps![current];
  if (!next || status.promoteRequested) return undefined;
  const weight = current === 0 ? 0 : planWeights(spec.steps!)[current - 1]!;
  // Nothing routed or mirrored to the gray version yet (no weight, rule or mirror): nothing to check before the first move.
  const routed = weight > 0 || spec.steps!.slice(0, current).some((step) => 'setRule' in step || 'setMirror' in step);
  if ('setRule' in next || 'setMirror' in next) return routed ? undefined : gate(spec, current + 1, weight, FIRST_STEP);
  if ('approval' in next) return { type: 'request-approval', kind: 'step', step: current + 1, weight };
  if ('pause' in next) {
    const since = Date.parse(status.stepStartedAt ?? status.run!.startedAt);
    return now.getTime() - since >= durationMs(next.pause) ? { type: 'step', step: current + 1, weight, ...because('release.reason.paused', `paused ${next.pause}`, { duration: next.pause }) } : { type: 'idle' };
  }
  return routed ? undefined : gate(spec, current + 1, next.setWeight, FIRST_STEP);
}

function gate(spec: ReleaseSpec, step: number, weight: number, reason: Because, analysis?: AnalysisResult): Decision {
  if (spec.approval === 'beforeEveryStep') return { type: 'request-approval', kind: 'step', step, weight, analysis };
  return { type: 'step', step, weight, ...reason, analysis };
}

/** The gray version's share at a step, with the rest on stable: the split a step writes. */
export function stepSplit(spec: ReleaseSpec, weight: number, versions: string[]): Record<string, number> {
  const split = Object.fromEntries(versions.map((version) => [version, 0]));
  split[spec.grayVersion!] = weight;
  split[spec.stableVersion!] = 100 - weight;
  return split;
}

/**
 * Intents a policy holds for approval: promotion (take over) always; every traffic change with beforeEveryStep,
 * a mirror too (the copied requests reach the version, with whatever they write).
 */
export function needsApproval(policy: ApprovalPolicy | undefined, intent: Pick<Intent, 'type'>): boolean {
  if (policy === 'beforePromotion') return intent.type === 'take-over';
  if (policy === 'beforeEveryStep') return ['take-over', 'set-weights', 'set-content-rule', 'restore-split', 'set-mirror', 'set-sticky'].includes(intent.type);
  return false;
}
