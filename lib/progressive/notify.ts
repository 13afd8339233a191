import 'server-only';
import type { ClusterTarget } from '@/lib/k8s/clusters';
import { releaseEvent } from '@/lib/release/events';
import { eventText, type OutboxItem } from '@/lib/release/hooks-model';
import type { ReleaseObject, ReleaseStatus } from '@/lib/release/model';
import { replaceStatus, StatusConflict, updateStatus } from '@/lib/release/store';
import { callHook, hookPayload, type HookTarget } from './hooks';

/*
 * Release events leave through an outbox in the Release status: the write that records a change (a step, a
 * promotion, ...) also adds the event, and the controller delivers it afterwards and then strikes off each
 * receiver that took it. A crash between the delivery and the strike-off delivers again, with the same
 * Idempotency-Key, so a receiver can drop the repeat: at least once, and once when nothing goes wrong.
 */

/** Attempts per receiver before an event is given up (and a Warning Event says so). */
export const MAX_ATTEMPTS = 8;

function backoffMs(attempts: number): number {
  return Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1));
}

/** The body and target of one receiver of one event; undefined when the receiver is no longer in the spec. */
function delivery(release: ReleaseObject, item: OutboxItem, receiver: string): { target: HookTarget; body: unknown } | undefined {
  const namespace = release.metadata!.namespace!;
  const text = eventText(item, namespace);
  const [kind, name] = receiver.split(':') as ['notification' | 'hook', string];
  const event = { id: item.id, kind: item.kind, time: item.time, namespace, service: item.service, stableVersion: item.stableVersion, grayVersion: item.grayVersion, step: item.step, weight: item.weight, reason: item.reason, text };
  if (kind === 'notification') {
    const notification = release.spec?.notifications?.find((entry) => entry.name === name);
    if (!notification) return undefined;
    return { target: notification, body: notification.format === 'chat' ? { text } : event };
  }
  const hook = release.spec?.hooks?.find((entry) => entry.name === name);
  if (!hook) return undefined;
  const warning = item.kind === 'rolled-back';
  const body = {
    ...hookPayload(release, hook.type, hook.metadata),
    metadata: { ...hookPayload(release, hook.type, hook.metadata).metadata, eventMessage: text, eventType: warning ? 'Warning' : 'Normal', timestamp: String(Date.parse(item.time)) },
    event,
  };
  return { target: hook, body };
}

/**
 * Delivers the due events of a Release's outbox and writes down what was delivered. Returns the Release as
 * written, or undefined when nothing was due (the caller leaves a written Release for the next tick).
 */
export async function deliverOutbox(target: ClusterTarget, release: ReleaseObject, now = new Date()): Promise<ReleaseObject | undefined> {
  const outbox = release.status?.outbox ?? [];
  const due = outbox.filter((item) => !item.nextAt || Date.parse(item.nextAt) <= now.getTime());
  if (due.length === 0) return undefined;
  const namespace = release.metadata!.namespace!;
  const delivered = new Map<string, Set<string>>();
  const failed = new Map<string, string>();
  for (const item of due) {
    const done = new Set<string>();
    for (const receiver of item.to) {
      const planned = delivery(release, item, receiver);
      if (!planned) {
        done.add(receiver);
        continue;
      }
      const answer = await callHook(target.kubeConfig, namespace, planned.target, planned.body, { 'idempotency-key': item.id });
      if (answer.ok) done.add(receiver);
      else failed.set(`${item.id}|${receiver}`, answer.status === 0 ? (answer.error ?? 'no answer') : `HTTP ${answer.status}`);
    }
    delivered.set(item.id, done);
  }
  const given: { item: OutboxItem; receivers: string[] }[] = [];
  const next = (status: ReleaseStatus): ReleaseStatus => {
    given.length = 0;
    const outboxAfter: OutboxItem[] = [];
    for (const item of status.outbox ?? []) {
      const done = delivered.get(item.id);
      if (!done) {
        outboxAfter.push(item);
        continue;
      }
      const to = item.to.filter((receiver) => !done.has(receiver));
      if (to.length === 0) continue;
      const attempts = item.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        given.push({ item, receivers: to });
        continue;
      }
      outboxAfter.push({ ...item, to, attempts, nextAt: new Date(now.getTime() + backoffMs(attempts)).toISOString() });
    }
    return { ...status, outbox: outboxAfter.length > 0 ? outboxAfter : undefined };
  };
  let saved: ReleaseObject | undefined;
  try {
    saved = await replaceStatus(target.kubeConfig, release, next(release.status ?? {}));
  } catch (error) {
    if (!(error instanceof StatusConflict)) throw error;
    // Someone else wrote meanwhile: strike off on the newest copy, so what was delivered is not sent twice.
    saved = await updateStatus(target.kubeConfig, namespace, release.metadata!.name!, (current) => next(current.status ?? {}));
  }
  for (const { item, receivers } of given) {
    const reasons = receivers.map((receiver) => `${receiver}: ${failed.get(`${item.id}|${receiver}`) ?? 'failed'}`).join('; ');
    await releaseEvent(target.kubeConfig, saved ?? release, 'Warning', 'NotificationFailed', `event ${item.id} given up after ${MAX_ATTEMPTS} attempts (${reasons})`);
  }
  return saved ?? release;
}
