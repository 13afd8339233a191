/**
 * P1 and P5 of issue 16: the services list at scale, and the console's memory.
 *
 * N services (WEIR_BENCH_SERVICES, default 2,000) over WEIR_BENCH_NAMESPACES (default 1,000) namespaces,
 * seeded by bench/support/seed.ts (a mix of Istio, Gateway API and SMI services). Against the production
 * console over HTTP, in the same run and interleaved:
 *   - baseline: the raw API server LIST of VirtualServices (cluster-wide, admin), to its last byte;
 *   - GET /api/services after a change: one VirtualService's weights patched, the change seen on the console's
 *     change stream and the cluster quiet again (istiod writes its analysis status), then the list;
 *   - GET /api/services with nothing changed (memoised or maintained rows: whatever the console does);
 *   - P5: the console process's RSS once its caches hold the N services and nothing was served, and after the
 *     list has been served, against the kube-apiserver's RSS (which holds the same objects in its own cache).
 * WEIR_BENCH_CPU_PROFILE=1 adds a CPU profile of the console during "after a change" requests.
 *
 *   npm run bench                                     (all benches, one sandbox)
 *   npx vitest run --project bench bench/services-list.bench.ts   (this one; its own sandbox and console)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { sandboxAdmin } from './support/api-server.ts';
import { benchConsole, benchScale } from './support/bench-console.ts';
import { openChangeStream } from './support/change-stream.ts';
import { BENCH_CACHE, childPids, consoleGet, processMemory, signIn } from './support/console.ts';
import { profileDuring, reportProfile } from './support/cpu-profile.ts';
import { median, ratio, writeFigures, type Figure } from './support/figures.ts';
import { istioRoute, seedServices, type BenchService } from './support/seed.ts';
import { benchRowCount, changedWeight, grayWeightNow, LIST_PATH, plainIstioServices, rowsOf, rowWeight, waitForSeeded } from './support/services.ts';

const sandbox = inject('sandbox');
const { services: N, namespaces: NAMESPACES } = benchScale();
const RUNS = Number(process.env.WEIR_BENCH_RUNS ?? 7);
const RAW_LIST = '/apis/networking.istio.io/v1/virtualservices';
const scale = `${N.toLocaleString('en-US')} services over ${NAMESPACES.toLocaleString('en-US')} namespaces`;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function sandboxPid(name: string): number {
  const line = readFileSync(join(sandbox.dir, 'pids'), 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** The console's RSS with any child processes it forked. */
function consoleMemory(pid: number): { rssMb: number; peakMb: number } {
  return [pid, ...childPids(pid)].map(processMemory).reduce((sum, memory) => ({ rssMb: sum.rssMb + memory.rssMb, peakMb: sum.peakMb + memory.peakMb }));
}

it(`services list with ${scale}`, async () => {
  const admin = sandboxAdmin(sandbox.kubeconfig);
  const figures: Figure[] = [];
  const seed = await seedServices(admin, N, NAMESPACES);
  if (seed.created > 0) {
    figures.push({ id: 'S', name: `seeding ${seed.created.toLocaleString('en-US')} services (${seed.objects.toLocaleString('en-US')} objects)`, value: seed.seconds, unit: 's', note: `${(seed.objects / seed.seconds).toFixed(0)} objects/s, ${seed.retries} retries` });
  }

  const console_ = await benchConsole(sandbox, `services-list-${N}`);
  try {
    const session = await signIn(console_.url, { user: 'admin' });
    await waitForSeeded(console_.url, session, N, NAMESPACES);
    const stream = await openChangeStream(console_.url, session);
    // After seeding, istiod writes every new object's status for a while: measure once the cluster is quiet.
    const settled = await stream.quiet(2_000, 600_000);
    const idle = consoleMemory(console_.pid);
    const apiServerMb = processMemory(sandboxPid('kube-apiserver')).rssMb;

    const first = await consoleGet(console_.url, LIST_PATH, session);
    expect(first.status, first.body.slice(0, 300)).toBe(200);
    const listed = benchRowCount(rowsOf(first.body));
    expect(listed, 'bench services the console lists').toBeGreaterThanOrEqual(N);

    const plain = plainIstioServices(N, NAMESPACES, RUNS + 4);
    const rowShows = async (service: BenchService, weight: number): Promise<void> => {
      const deadline = performance.now() + 30_000;
      while (performance.now() < deadline) {
        const rows = await consoleGet(console_.url, `${LIST_PATH}&namespace=${service.namespace}`, session);
        if (rowWeight(rowsOf(rows.body), service, 'v2') === weight) return;
        await sleep(50);
      }
      throw new Error(`the console's rows did not show ${service.namespace}/${service.name} at ${weight} % within 30 s`);
    };
    let round = 0;
    /** Changes the rows showed before the change stream said so. */
    let streamLate = 0;
    /** Patches one service's weights and waits until the console has seen it and the cluster is quiet again. */
    const change = async (): Promise<{ service: BenchService; weight: number; writeMs: number }> => {
      const service = plain[round % plain.length]!;
      const weight = changedWeight(5 + ((service.grayWeight + 7 * (round + 1)) % 90), await grayWeightNow(admin, service));
      round += 1;
      // Seen on the change stream, or (should the stream lag behind) in the service's namespace's rows: the
      // console has the change either way before the whole list is asked for.
      let streamed = false;
      const onStream = stream.next(`"${service.name}"`).then(() => {
        streamed = true;
      });
      onStream.catch(() => undefined);
      const seen = Promise.any([onStream, rowShows(service, weight)]).then(() => {
        if (!streamed) streamLate += 1;
      });
      const write = await admin.send(
        'PATCH',
        `/apis/networking.istio.io/v1/namespaces/${service.namespace}/virtualservices/${service.name}`,
        { spec: { http: [{ route: istioRoute(service, weight) }] } },
        { 'content-type': 'application/merge-patch+json' },
      );
      expect(write.status, write.body.slice(0, 300)).toBe(200);
      await seen;
      await stream.quiet(1_000, 30_000);
      return { service, weight, writeMs: write.ms };
    };

    const baseline: number[] = [];
    const afterChange: number[] = [];
    const memoised: number[] = [];
    const floor: number[] = [];
    let stale = 0;
    let listBytes = 0;
    let rawBytes = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const raw = await admin.send('GET', RAW_LIST);
      expect(raw.status).toBe(200);
      baseline.push(raw.ms);
      rawBytes = raw.body.length;

      const { service, weight } = await change();
      const after = await consoleGet(console_.url, LIST_PATH, session);
      afterChange.push(after.ms);
      listBytes = after.body.length;
      if (rowWeight(rowsOf(after.body), service, 'v2') !== weight) stale += 1;

      const events = stream.received;
      const unchanged: number[] = [];
      for (let again = 0; again < 3; again += 1) unchanged.push((await consoleGet(console_.url, LIST_PATH, session)).ms);
      // A change that arrived meanwhile would make these rebuilds: keep only clean samples.
      if (stream.received === events) memoised.push(median(unchanged));
      // The floor under any answer: a console route that reads nothing (the session, 155 bytes).
      floor.push((await consoleGet(console_.url, '/api/auth/session', session)).ms);
    }
    await sleep(2_000);
    const served = consoleMemory(console_.pid);

    if (process.env.WEIR_BENCH_CPU_PROFILE === '1' && console_.inspectPort) {
      const profile = await profileDuring(console_.inspectPort, async () => {
        for (let run = 0; run < 3; run += 1) {
          await change();
          await consoleGet(console_.url, LIST_PATH, session);
        }
      });
      reportProfile(profile, join(BENCH_CACHE, 'profiles', `services-list-${N}.cpuprofile`), `the console serving GET /api/services after a change (${scale})`);
    }
    stream.close();

    const rawMs = median(baseline);
    const afterMs = median(afterChange);
    const memoMs = memoised.length > 0 ? median(memoised) : NaN;
    const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
    const atTarget = N >= 10_000;
    figures.push(
      {
        id: 'P1',
        name: `GET /api/services after a change (${scale}) / raw LIST of VirtualServices`,
        value: afterMs,
        unit: 'ms',
        baseline: rawMs,
        ratio: ratio(afterMs, rawMs),
        target: '≤ 0.25×',
        note: `median of ${RUNS}; list ${mb(listBytes)}, raw LIST ${mb(rawBytes)}${stale ? `; ${stale} answers did not yet show the change` : ''}; cluster ${settled.quiet ? 'quiet' : 'STILL BUSY'} after ${(settled.waitedMs / 1000).toFixed(0)} s${streamLate ? `; ${streamLate} changes were in the rows before the change stream said so` : ''}`,
      },
      {
        id: 'P1',
        name: `GET /api/services, nothing changed (${scale}) / raw LIST`,
        value: memoMs,
        unit: 'ms',
        baseline: rawMs,
        ratio: ratio(memoMs, rawMs),
        target: '≤ 0.1×',
        note: `median of ${memoised.length} runs of 3`,
      },
      {
        id: 'P1-floor',
        name: `GET /api/auth/session, the fixed cost of any console route (${scale}) / raw LIST`,
        value: median(floor),
        unit: 'ms',
        baseline: rawMs,
        ratio: ratio(median(floor), rawMs),
        note: 'what a list answer costs before its rows: the Next.js route, the session lookup, the HTTP round trip',
      },
      {
        id: 'P1',
        name: `first GET /api/services after the console started (${scale}) / raw LIST`,
        value: first.ms,
        unit: 'ms',
        baseline: rawMs,
        ratio: ratio(first.ms, rawMs),
      },
      {
        id: 'P5',
        name: `console RSS idle, caches synced (${scale}) / kube-apiserver RSS`,
        value: idle.rssMb,
        unit: 'MB',
        baseline: apiServerMb,
        ratio: ratio(idle.rssMb, apiServerMb),
        ...(atTarget ? { target: '≤ 400 MB' } : {}),
        note: console_.owned ? 'console started by this bench' : 'console started fresh for this phase',
      },
      {
        id: 'P5',
        name: `console RSS after the list was served ${RUNS * 4 + 1} times (${scale}) / kube-apiserver RSS`,
        value: served.rssMb,
        unit: 'MB',
        baseline: apiServerMb,
        ratio: ratio(served.rssMb, apiServerMb),
        ...(atTarget ? { target: '≤ 400 MB' } : {}),
        note: `peak ${served.peakMb.toFixed(0)} MB`,
      },
    );
    writeFigures(`services-list-${N}`, figures);
  } finally {
    if (console_.owned) await console_.stop();
    admin.close();
  }
}, 1_200_000);
