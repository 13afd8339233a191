/**
 * For the integration tests: apply objects with kubectl, and measure what a running simulator's `/split`
 * records for a Service from now on, once it has picked up the latest change.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { kubectl, type Sandbox } from '../sandbox/sandbox.ts';
import type { SplitReport } from './simulator.ts';

/** Writes `objects` to `<scratch>/<name>.yaml` and applies them. */
export async function apply(sandbox: Sandbox, scratch: string, name: string, objects: object[]): Promise<void> {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  await kubectl(sandbox, ['apply', '-f', file]);
}

/** A Deployment `<app>-<version>` of one pod labelled with app and version. */
export function deployment(namespace: string, app: string, version: string) {
  const labels = { app, version };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${app}-${version}`, namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: app, image: `${app}:${version}` }] } } },
  };
}

/** A Service on port 5000 selecting `selector`. */
export function serviceObject(namespace: string, name: string, selector: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ name: 'http', port: 5000 }] } };
}

/** What was counted between two reads; `sessions` counts users since the simulator started, so it is the later read's. */
function difference(after: SplitReport, before: SplitReport): SplitReport {
  const minus = (a: Record<string, number>, b: Record<string, number> = {}) =>
    Object.fromEntries(Object.entries(a).map(([key, value]) => [key, value - (b[key] ?? 0)]).filter(([, value]) => (value as number) > 0));
  const callers = Object.fromEntries(Object.entries(after.callers).map(([caller, versions]) => [caller, minus(versions, before.callers[caller])]));
  return {
    total: after.total - before.total,
    versions: minus(after.versions, before.versions),
    responseCodes: minus(after.responseCodes, before.responseCodes),
    callers,
    mirrored: minus(after.mirrored, before.mirrored),
    sessions: after.sessions,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `/split` of one Service from the simulator at `url`. */
export function splitProbe(url: string, namespace: string, service: string) {
  const read = async (): Promise<SplitReport> => (await fetch(`${url}/split?namespace=${namespace}&service=${service}`)).json() as Promise<SplitReport>;

  /**
   * Counts from now until at least `requests` more have been sent, once what the simulator records satisfies
   * `ready`; fails with what it saw when that does not happen within `settleMs`.
   */
  return async function measure(requests: number, ready: (delta: SplitReport) => boolean = (delta) => delta.total > 0, settleMs = 20_000): Promise<SplitReport> {
    // A change reaches the simulator through its watch: wait until what it records reflects the change.
    const deadline = Date.now() + settleMs;
    for (let settled = false; !settled; ) {
      const before = await read();
      await sleep(300);
      const recent = difference(await read(), before);
      settled = ready(recent);
      if (!settled && Date.now() > deadline) throw new Error(`${namespace}/${service} never showed the expected split in ${settleMs / 1000} s; the last 300 ms: ${JSON.stringify(recent)}`);
    }
    const before = await read();
    let delta = difference(before, before);
    while (delta.total < requests) {
      await sleep(100);
      delta = difference(await read(), before);
    }
    return delta;
  };
}

/**
 * Milliseconds from now until the last ~300 ms of what the simulator at `url` records for a Service satisfy
 * `ready` (sampled every 100 ms); fails with what it saw after `timeoutMs`.
 */
export async function timeUntil(url: string, namespace: string, service: string, ready: (recent: SplitReport) => boolean, timeoutMs = 20_000): Promise<number> {
  const read = async (): Promise<SplitReport> => (await fetch(`${url}/split?namespace=${namespace}&service=${service}`)).json() as Promise<SplitReport>;
  const started = performance.now();
  const samples: { at: number; counts: SplitReport }[] = [{ at: started, counts: await read() }];
  for (;;) {
    await sleep(100);
    const now = performance.now();
    samples.push({ at: now, counts: await read() });
    const window = samples.find((sample) => now - sample.at <= 350) ?? samples[0]!;
    const recent = difference(samples.at(-1)!.counts, window.counts);
    if (recent.total > 0 && ready(recent)) return now - started;
    if (now - started > timeoutMs) throw new Error(`${namespace}/${service} never showed the expected split in ${timeoutMs / 1000} s; the last 300 ms: ${JSON.stringify(recent)}`);
  }
}

/** Share of `version` in what was measured. */
export function share(observed: SplitReport, version: string): number {
  return (observed.versions[version] ?? 0) / observed.total;
}
