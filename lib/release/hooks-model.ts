import { z } from 'zod';
import { coded } from '@/lib/i18n/format';

/*
 * Webhooks and notifications of a progressive release, as the Release spec holds them. Pure: the controller
 * (lib/progressive/hooks.ts, lib/progressive/notify.ts) calls them.
 *
 * The hook points mean what they mean in Flagger:
 * - confirm-rollout: before the gray version gets any traffic; the release holds until it answers 2xx.
 * - pre-rollout: before traffic is first routed to the gray version; a non-2xx answer is a failed check
 *   (at `threshold` failed checks the release rolls back).
 * - confirm-traffic-increase: before each step raises the gray weight; holds until 2xx.
 * - confirm-promotion: before the gray version takes over all traffic; holds until 2xx.
 * - rollback: asked while the release progresses or waits; a 2xx answer rolls the release back.
 * - post-rollout: after the release was promoted or rolled back; a failure is logged and retried, never undoes.
 * - event: told every release event (started, step, waiting for approval, promoted, rolled back).
 */

export const HOOK_TYPES = ['confirm-rollout', 'pre-rollout', 'confirm-traffic-increase', 'confirm-promotion', 'rollback', 'post-rollout', 'event'] as const;
export type HookType = (typeof HOOK_TYPES)[number];

/** Hook points whose non-2xx answer holds the release where it is. */
export const CONFIRM_HOOKS: readonly HookType[] = ['confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion'];

const hookName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, coded('field.hookName'));

/** An http(s) URL with no user name or password in it (a credential belongs in a Secret, not in the Release). */
export const hookUrl = z
  .string()
  .max(2048, coded('field.tooBig'))
  .refine((value) => URL.canParse(value), coded('field.hookUrl'))
  .refine((value) => !URL.canParse(value) || ['http:', 'https:'].includes(new URL(value).protocol), coded('field.hookUrlScheme'))
  .refine((value) => !URL.canParse(value) || (new URL(value).username === '' && new URL(value).password === ''), coded('field.hookUrlCredentials'));

/** A header whose value the controller reads from a Kubernetes Secret in the Release's namespace. */
export const secretHeader = z.object({
  header: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, coded('field.headerName')),
  secretRef: z.object({
    name: z.string().regex(/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/, coded('field.secretName')),
    key: z.string().regex(/^[-._a-zA-Z0-9]{1,253}$/, coded('field.secretKey')),
  }),
});

const timeout = z
  .string()
  .regex(/^[0-9]+(ms|s)$/, coded('field.hookTimeout'))
  .refine((value) => {
    const ms = value.endsWith('ms') ? Number(value.slice(0, -2)) : Number(value.slice(0, -1)) * 1000;
    return ms >= 100 && ms <= 60_000;
  }, coded('field.hookTimeout'));

export const releaseHook = z.object({
  name: hookName,
  type: z.enum(HOOK_TYPES),
  url: hookUrl,
  timeout: timeout.optional(),
  retries: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(0, coded('field.atLeast')).max(5, coded('field.atMost')).optional(),
  /** Sent to the hook as `metadata` (Flagger's name for it), e.g. what a load tester should do. */
  metadata: z.record(z.string(), z.string().max(1024, coded('field.tooBig'))).optional(),
  secretHeader: secretHeader.optional(),
});
export type ReleaseHook = z.infer<typeof releaseHook>;

/** Where release events go: generic JSON, or a chat incoming webhook (`{ "text": … }`, as Slack takes it). */
export const releaseNotification = z.object({
  name: hookName,
  url: hookUrl,
  format: z.enum(['json', 'chat']),
  secretHeader: secretHeader.optional(),
});
export type ReleaseNotification = z.infer<typeof releaseNotification>;

/** The hooks and notifications of the settings a progressive release starts with; names unique per list. */
export const hookSettings = {
  hooks: z.array(releaseHook).max(20, coded('field.tooBig')).optional(),
  notifications: z.array(releaseNotification).max(10, coded('field.tooBig')).optional(),
};

/** Adds a field issue for every name used twice in one list (a delivery is tracked by name). */
export function checkUniqueNames(settings: { hooks?: { name: string }[]; notifications?: { name: string }[] }, context: z.RefinementCtx): void {
  for (const list of ['hooks', 'notifications'] as const) {
    const seen = new Set<string>();
    settings[list]?.forEach((item, index) => {
      if (seen.has(item.name)) context.addIssue({ code: 'custom', path: [list, index, 'name'], message: coded('field.hookNameTaken') });
      seen.add(item.name);
    });
  }
}

export type ReleaseEventKind = 'started' | 'step' | 'waiting-approval' | 'promoted' | 'rolled-back';

/** A release event on its way to its receivers: written into the Release status with the change it reports. */
export interface OutboxItem {
  /** The Idempotency-Key: the same for every delivery attempt of this event. */
  id: string;
  kind: ReleaseEventKind;
  time: string;
  service: string;
  grayVersion?: string;
  stableVersion?: string;
  step?: number;
  weight?: number;
  reason?: string;
  /** Receivers (`notification:NAME`, `hook:NAME`) that have not confirmed it yet. */
  to: string[];
  attempts: number;
  /** Not before this time (a back-off after a failed attempt). */
  nextAt?: string;
}

/** Why the controller holds a release at a hook (status.heldBy): the history gets a line when this changes. */
export interface HookHold {
  hook: string;
  type: HookType;
  /** The HTTP status the hook answered, or 0 when it could not be reached or timed out. */
  status: number;
  since: string;
}

/** Timeout of one hook call, in milliseconds (5 s unless set). */
export function hookTimeoutMs(hook: Pick<ReleaseHook, 'timeout'>): number {
  const value = hook.timeout ?? '5s';
  return value.endsWith('ms') ? Number(value.slice(0, -2)) : Number(value.slice(0, -1)) * 1000;
}

/** The receivers of an event: every notification, every event hook, and post-rollout hooks once the release ends. */
export function receiversOf(spec: { hooks?: ReleaseHook[]; notifications?: ReleaseNotification[] }, kind: ReleaseEventKind): string[] {
  const ended = kind === 'promoted' || kind === 'rolled-back';
  return [
    ...(spec.notifications ?? []).map((item) => `notification:${item.name}`),
    ...(spec.hooks ?? []).filter((hook) => hook.type === 'event' || (ended && hook.type === 'post-rollout')).map((hook) => `hook:${hook.name}`),
  ];
}

/** The text of an event as a chat message says it. */
export function eventText(event: Pick<OutboxItem, 'kind' | 'service' | 'grayVersion' | 'stableVersion' | 'step' | 'weight' | 'reason'>, namespace: string): string {
  const where = `${event.service}.${namespace}`;
  switch (event.kind) {
    case 'started':
      return `Release of ${event.grayVersion} on ${where} started`;
    case 'step':
      return `${where}: step ${event.step}, ${event.grayVersion} at ${event.weight}%`;
    case 'waiting-approval':
      return `${where}: ${event.reason ?? 'waiting'} (${event.grayVersion} waits for approval)`;
    case 'promoted':
      return `${where}: ${event.grayVersion} promoted, it takes all traffic`;
    case 'rolled-back':
      return `${where}: rolled back to ${event.stableVersion}: ${event.reason ?? ''}`;
  }
}

/**
 * The status with one more event in its outbox (nothing when the release has no receivers for it). The id is
 * made of the run and what happened, so an event decided twice (a retried write) is still one event.
 */
export function withEvent<S extends { outbox?: OutboxItem[]; run?: { id: string } }>(
  status: S,
  spec: { service: string; grayVersion?: string; stableVersion?: string; hooks?: ReleaseHook[]; notifications?: ReleaseNotification[] },
  event: { kind: ReleaseEventKind; step?: number; weight?: number; reason?: string; key?: string },
  now: string,
): S {
  const to = receiversOf(spec, event.kind);
  if (to.length === 0) return status;
  const suffix = event.key ?? (event.step !== undefined ? String(event.step) : undefined);
  const id = [status.run?.id ?? 'run', event.kind, ...(suffix !== undefined ? [suffix] : [])].join('-');
  if (status.outbox?.some((item) => item.id === id)) return status;
  const item: OutboxItem = {
    id,
    kind: event.kind,
    time: now,
    service: spec.service,
    grayVersion: spec.grayVersion,
    stableVersion: spec.stableVersion,
    ...(event.step !== undefined ? { step: event.step } : {}),
    ...(event.weight !== undefined ? { weight: event.weight } : {}),
    ...(event.reason ? { reason: event.reason } : {}),
    to,
    attempts: 0,
  };
  return { ...status, outbox: [...(status.outbox ?? []), item] };
}
