/**
 * A CPU profile of one phase of the console process, taken through its V8 inspector on a loopback port
 * (the console is started with `--inspect=127.0.0.1:<port>` when WEIR_BENCH_CPU_PROFILE=1), and a summary of
 * where the time went: functions by self time and by total time, named through the production build's
 * source maps (the server chunks are minified), so the names are the ones in lib/ and app/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../../dev/sandbox/sandbox.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

interface Inspector {
  send<T>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

async function connect(port: number): Promise<Inspector> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise<void>((done, fail) => {
    socket.addEventListener('open', () => done(), { once: true });
    socket.addEventListener('error', () => fail(new Error(`could not reach the console's inspector on port ${port}`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { done: (value: unknown) => void; fail: (error: Error) => void }>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id!);
    if (message.error) waiter.fail(new Error(message.error.message));
    else waiter.done(message.result);
  });
  return {
    send: <T>(method: string, params: Record<string, unknown> = {}) =>
      new Promise<T>((done, fail) => {
        const id = nextId++;
        pending.set(id, { done: done as (value: unknown) => void, fail });
        socket.send(JSON.stringify({ id, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** Runs `work` while the console's CPU is sampled (every 200 µs); answers the profile. */
export async function profileDuring(inspectPort: number, work: () => Promise<void>): Promise<CpuProfile> {
  const inspector = await connect(inspectPort);
  try {
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.setSamplingInterval', { interval: 200 });
    await inspector.send('Profiler.start');
    await work();
    const { profile } = await inspector.send<{ profile: CpuProfile }>('Profiler.stop');
    await inspector.send('Profiler.disable');
    return profile;
  } finally {
    inspector.close();
  }
}

const maps = new Map<string, SourceMap | null>();

/** `name file:line` of a call frame, through the chunk's source map when there is one. */
function frameName(frame: ProfileNode['callFrame']): string {
  const fallback = `${frame.functionName || '(anonymous)'} ${frame.url ? shortPath(frame.url) : ''}${frame.url ? `:${frame.lineNumber + 1}` : ''}`.trim();
  if (!frame.url.startsWith('file://')) return fallback;
  const file = fileURLToPath(frame.url);
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as never) : null);
  }
  const map = maps.get(file);
  if (!map) return fallback;
  const origin = map.findOrigin(frame.lineNumber + 1, frame.columnNumber + 1) as { name?: string; fileName?: string; lineNumber?: number };
  if (!origin.fileName) return fallback;
  return `${origin.name || frame.functionName || '(anonymous)'} ${shortPath(origin.fileName)}:${origin.lineNumber}`;
}

function shortPath(path: string): string {
  const plain = path.replace(/^file:\/\//, '').replace(/^\[project\]\//, '');
  const fromRoot = plain.startsWith('/') ? relative(REPO_ROOT, plain) : plain;
  return fromRoot.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, 'node_modules/');
}

export interface ProfileSummary {
  /** Busy time sampled (idle left out); shares are of it. */
  totalMs: number;
  /** Time in the function itself. */
  self: { name: string; ms: number; share: number }[];
  /** Time in the function and what it called (recursion counted once). */
  total: { name: string; ms: number; share: number }[];
}

/** The `top` functions by self and by total time. */
export function summarize(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalMs = 0;
  samples.forEach((id, index) => {
    const ms = (deltas[index + 1] ?? deltas[index] ?? 0) / 1000;
    totalMs += ms;
    const leaf = byId.get(id)!;
    const leafName = frameName(leaf.callFrame);
    self.set(leafName, (self.get(leafName) ?? 0) + ms);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const name = frameName(byId.get(current)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  // Shares are of the time the process was busy: idle samples are left out.
  const busyMs = totalMs - [...self].filter(([name]) => /^\((root|idle)\)/.test(name)).reduce((sum, [, ms]) => sum + ms, 0);
  const rank = (entries: Map<string, number>, generic: boolean) =>
    [...entries]
      .filter(([name]) => !/^\((root|idle)\)/.test(name))
      // By total time, the event loop's own frames (microtasks, timers) and nameless frames say nothing.
      .filter(([name]) => generic || !/^(processTicksAndRejections|runMicrotasks|listOnTimeout|processTimers|emit|\(anonymous\)) /.test(`${name} `))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: ms / busyMs }));
  return { totalMs: busyMs, self: rank(self, true), total: rank(total, false) };
}

/** Saves the profile (open it in Chrome DevTools) and prints its summary. */
export function reportProfile(profile: CpuProfile, file: string, title: string): ProfileSummary {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
  const summary = summarize(profile);
  const lines = (entries: ProfileSummary['self']) => entries.map((entry) => `  ${(entry.share * 100).toFixed(1).padStart(5)} %  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`);
  console.log(
    [`CPU profile of ${title}: ${summary.totalMs.toFixed(0)} ms busy (${relative(REPO_ROOT, file)})`, ' by self time:', ...lines(summary.self), ' by total time:', ...lines(summary.total)].join('\n'),
  );
  return summary;
}
