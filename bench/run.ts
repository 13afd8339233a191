/**
 * `npm run bench`: every bench on ONE sandbox, then one table.
 *
 *   1. builds the console when a source is newer than `.next` (as ./weir does), under /tmp/weir-next.lock;
 *   2. starts a sandbox (or reuses WEIR_SANDBOX_DIR);
 *   3. runs the benches that need no scale (every bench/*.bench.ts but the scale ones) on the fresh sandbox;
 *   4. for each scale (WEIR_BENCH_SCALES, default 2000,10000; over WEIR_BENCH_NAMESPACES, default 1000):
 *      seeds up to it (additive), starts a fresh console (`node server.mjs`), runs P1 + P5
 *      (bench/services-list.bench.ts) and P2 (bench/browser/services-page.bench.ts) against it, and at the
 *      last scale P3 (bench/browser/live-change.bench.ts) and the namespace-scoped user;
 *   5. prints the figures every bench wrote to .cache/bench/*.json as one table (also .cache/bench/table.md).
 *
 * WEIR_BENCH_CPU_PROFILE=1 also profiles the console serving P1 (top functions printed, profile saved).
 * Runs on Node 24's type stripping: relative `.ts` imports only.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT, startSandbox, stopSandbox, describeSandbox, buildControlPlane, type Sandbox } from '../dev/sandbox/sandbox.ts';
import { sandboxAdmin } from './support/api-server.ts';
import { BENCH_CACHE, startConsole, type RunningConsole } from './support/console.ts';
import { formatValue, type Figure } from './support/figures.ts';
import { DEFAULT_NAMESPACES, seedServices } from './support/seed.ts';

const LOCK = '/tmp/weir-next.lock';
/** Benches this runner drives per scale; every other bench/*.bench.ts runs once, before seeding. */
const SCALE_BENCHES = ['bench/services-list.bench.ts', 'bench/namespace-scoped.bench.ts'];

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = (message: string) => process.stderr.write(`\x1b[1;34m[bench]\x1b[0m ${message} (${elapsed()})\n`);

function fail(message: string): never {
  process.stderr.write(`\x1b[1;31m[bench] ${message}\x1b[0m\n`);
  process.exit(1);
}

function checkPrerequisites(): void {
  if (!process.version.startsWith('v24.')) fail(`npm run bench needs Node 24 (this is ${process.version}): source dev/bootstrap.sh && ensure_node, or ./weir test once`);
  if (!existsSync('/usr/bin/chromium')) fail('Debian Chromium is missing: apt-get install chromium (./weir test installs it)');
  if (!existsSync('/usr/bin/prometheus')) fail('Prometheus is missing: apt-get install prometheus (./weir test installs it)');
  if (!existsSync(join(REPO_ROOT, 'node_modules/.bin/vitest'))) fail('npm packages are missing: npm install (./weir test installs them)');
}

/** Runs a command with the terminal; answers its exit code. */
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

function newestSource(paths: string[], than: number): string | undefined {
  for (const path of paths) {
    const full = join(REPO_ROOT, path);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    if (stat.isDirectory()) {
      const newer = newestSource(readdirSync(full).map((entry) => join(path, entry)), than);
      if (newer) return newer;
    } else if (stat.mtimeMs > than) {
      return path;
    }
  }
  return undefined;
}

/** `next build` when a source file is newer than the last build (the check ./weir makes). */
async function buildIfStale(): Promise<void> {
  const buildId = join(REPO_ROOT, '.next/BUILD_ID');
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newer = builtAt ? newestSource(['app', 'components', 'lib', 'next.config.js', 'package-lock.json', 'postcss.config.mjs', 'instrumentation.ts'], builtAt) : 'no build yet';
  if (!newer) return;
  log(`building the console (next build; ${newer} is newer than the last build)`);
  if ((await run('flock', [LOCK, 'npx', 'next', 'build'])) !== 0) fail('next build failed');
}

/** Pids of a sandbox process (by its name in DIR/pids) and of the processes it started. */
function sandboxProcess(sandbox: Sandbox, name: string): number[] {
  const pidsFile = join(sandbox.dir, 'pids');
  if (!existsSync(pidsFile)) return [];
  const line = readFileSync(pidsFile, 'utf8').split('\n').find((entry) => entry.startsWith(`${name} `));
  const pid = Number(line?.split(' ')[1]);
  if (!pid) return [];
  try {
    return [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
  } catch {
    return [pid];
  }
}

/** Stops (SIGSTOP) or continues sandbox processes and the processes they started. */
function pause(sandbox: Sandbox, names: string[], paused: boolean): void {
  for (const name of names) {
    const pids = sandboxProcess(sandbox, name);
    for (const pid of pids) {
      try {
        process.kill(pid, paused ? 'SIGSTOP' : 'SIGCONT');
      } catch {
        // gone already
      }
    }
    if (pids.length > 0) log(`${name} ${paused ? 'paused' : 'continued'} (pid ${pids.join(', ')})`);
  }
}

interface Phase {
  name: string;
  status: number;
  seconds: number;
}
const phases: Phase[] = [];

async function phase(name: string, work: () => Promise<number>): Promise<void> {
  const at = Date.now();
  log(`${name} …`);
  let status: number;
  try {
    status = await work();
  } catch (error) {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    status = 1;
  }
  phases.push({ name, status, seconds: (Date.now() - at) / 1000 });
  log(`${name}: ${status === 0 ? 'done' : `FAILED (exit ${status})`} in ${((Date.now() - at) / 1000).toFixed(0)} s`);
}

const vitest = (files: string[], env: Record<string, string> = {}) =>
  // --reporter=default: the config's JSON report belongs to the test suites' summary, not to benches.
  run('npx', ['vitest', 'run', '--project', 'bench', '--reporter=default', ...files], env);
const playwright = (files: string[], env: Record<string, string>) => run('flock', [LOCK, 'npx', 'playwright', 'test', '-c', 'bench/playwright.config.ts', ...files], env);

function readFigures(): { file: string; figures: Figure[] }[] {
  if (!existsSync(BENCH_CACHE)) return [];
  return readdirSync(BENCH_CACHE)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      try {
        const { figures } = JSON.parse(readFileSync(join(BENCH_CACHE, file), 'utf8')) as { figures?: Figure[] };
        return Array.isArray(figures) ? [{ file, figures }] : [];
      } catch {
        return [];
      }
    });
}

/** Whether a figure meets its target: an explicit `met`, or `≤ 0.25×` on the ratio, `≤ 300 ms` / `≤ 20` on the value. */
function meets(figure: Figure): boolean | undefined {
  if (typeof figure.met === 'boolean') return figure.met;
  const match = /^\s*(≤|<=|<|≥|>=|>)\s*([\d,.]+)\s*(×|x(?![a-z]))?/.exec(figure.target ?? '');
  if (!match) return undefined;
  const bound = Number(match[2]!.replace(/,/g, ''));
  const subject = match[3] ? figure.ratio : figure.value;
  if (subject === undefined || !Number.isFinite(subject)) return false;
  return { '≤': subject <= bound, '<=': subject <= bound, '<': subject < bound, '≥': subject >= bound, '>=': subject >= bound, '>': subject > bound }[match[1]!];
}

function table(sources: { file: string; figures: Figure[] }[]): string {
  const order = (id: string) => ['S', 'P1', 'P2', 'P3', 'P5', 'P6', 'P8', 'NS'].indexOf(id.replace(/[^A-Z0-9].*$/, '')) >>> 0;
  const figures = sources.flatMap((source) => source.figures).sort((a, b) => order(a.id) - order(b.id));
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '| id | figure | value | baseline | ratio | target | met? |',
    '|---|---|---:|---:|---:|---|:---:|',
    ...figures.map((figure) => {
      const met = meets(figure);
      return `| ${figure.id} | ${cell(figure.name)} | ${formatValue(figure.value, figure.unit)} | ${figure.baseline === undefined ? '' : formatValue(figure.baseline, figure.unit)} | ${figure.ratio === undefined || !Number.isFinite(figure.ratio) ? '' : `${figure.ratio.toFixed(2)}×`} | ${cell(figure.target ?? '')} | ${met === undefined ? '' : met ? 'yes' : 'no'} |`;
    }),
  ];
  const notes = figures.filter((figure) => figure.note).map((figure) => `- ${figure.id} ${figure.name}: ${figure.note}`);
  return [...lines, '', 'Notes:', ...notes].join('\n');
}

async function main(): Promise<void> {
  checkPrerequisites();
  const scales = (process.env.WEIR_BENCH_SCALES ?? '2000,10000').split(',').map(Number);
  if (scales.some((scale) => !Number.isInteger(scale) || scale < 1)) fail(`WEIR_BENCH_SCALES must be numbers like 2000,10000, not ${process.env.WEIR_BENCH_SCALES}`);
  const namespaces = Number(process.env.WEIR_BENCH_NAMESPACES ?? DEFAULT_NAMESPACES);
  const profile = process.env.WEIR_BENCH_CPU_PROFILE === '1';
  mkdirSync(BENCH_CACHE, { recursive: true });
  for (const file of readdirSync(BENCH_CACHE)) if (file.endsWith('.json') || file.endsWith('.log')) rmSync(join(BENCH_CACHE, file));

  await buildIfStale();
  const reuse = process.env.WEIR_SANDBOX_DIR;
  let sandbox: Sandbox;
  let console_: RunningConsole | undefined;
  if (reuse) {
    sandbox = describeSandbox(reuse, await buildControlPlane());
    log(`reusing the sandbox in ${reuse}`);
  } else {
    log('starting the sandbox');
    sandbox = await startSandbox({ dir: mkdtempSync(join(tmpdir(), 'weir-bench-sandbox-')) });
    log(`sandbox ready: ${sandbox.dir}`);
  }
  const stopAll = async () => {
    pause(sandbox, ['istiod', 'simulator'], false);
    await console_?.stop().catch(() => undefined);
    if (!reuse) await stopSandbox(sandbox).catch(() => undefined);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the console and the sandbox`);
      void stopAll().finally(() => process.exit(130));
    });
  }
  const shared = { WEIR_SANDBOX_DIR: sandbox.dir, WEIR_BENCH_NAMESPACES: String(namespaces) };

  try {
    const others = readdirSync(join(REPO_ROOT, 'bench'))
      .filter((file) => file.endsWith('.bench.ts'))
      .map((file) => `bench/${file}`)
      .filter((file) => !SCALE_BENCHES.includes(file));
    if (others.length > 0) await phase(`benches without scale (${others.map((file) => relative('bench', file)).join(', ')})`, () => vitest(others, shared));

    // The scale benches need no traffic: the simulator (about half a core at 600 requests/s) pauses, so their
    // figures measure the console and the API server, not the load generator beside them.
    pause(sandbox, ['simulator'], true);
    const admin = sandboxAdmin(sandbox.kubeconfig);
    for (const [index, scale] of scales.entries()) {
      const last = index === scales.length - 1;
      const label = `${scale.toLocaleString('en-US')} services`;
      const env = { ...shared, WEIR_BENCH_SERVICES: String(scale) };
      await phase(`seeding up to ${label} over ${namespaces.toLocaleString('en-US')} namespaces`, async () => {
        // istiod would push every created object to the simulator's sidecars one by one (a full push each time,
        // O(services)): paused, it reads the seeded cluster once when it continues.
        pause(sandbox, ['istiod'], true);
        const seed = await seedServices(admin, scale, namespaces).finally(() => pause(sandbox, ['istiod'], false));
        const figure: Figure = {
          id: 'S',
          name: `seeding up to ${label}: ${seed.created.toLocaleString('en-US')} services created (${seed.objects.toLocaleString('en-US')} objects, ${seed.namespacesCreated} namespaces)`,
          value: seed.seconds,
          unit: 's',
          note: `${(seed.objects / Math.max(seed.seconds, 0.001)).toFixed(0)} objects/s, 48 in flight, ${seed.retries} retries`,
        };
        writeFileSync(join(BENCH_CACHE, `seed-${scale}.json`), `${JSON.stringify({ figures: [figure] }, null, 2)}\n`);
        return 0;
      });
      console_ = await startConsole(sandbox, { log: join(BENCH_CACHE, `console-${scale}.log`), inspect: profile });
      const consoleEnv = {
        ...env,
        WEIR_BENCH_CONSOLE_URL: console_.url,
        WEIR_BENCH_CONSOLE_PID: String(console_.pid),
        ...(console_.inspectPort ? { WEIR_BENCH_CONSOLE_INSPECT: String(console_.inspectPort) } : {}),
      };
      await phase(`P1 + P5 at ${label}`, () => vitest(['bench/services-list.bench.ts'], consoleEnv));
      await phase(`P2 at ${label}`, () => playwright(['bench/browser/services-page.bench.ts'], consoleEnv));
      if (last) await phase(`P3 at ${label}`, () => playwright(['bench/browser/live-change.bench.ts'], consoleEnv));
      await console_.stop();
      console_ = undefined;
      if (last) await phase(`namespace-scoped user at ${label}`, () => vitest(['bench/namespace-scoped.bench.ts'], env));
    }
    admin.close();
  } finally {
    log('stopping the sandbox');
    await stopAll();
  }

  const text = table(readFigures());
  const cpu = cpus();
  const machine = `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, shared`;
  const header = `Weir benches, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine}; scales ${scales.join(', ')} over ${namespaces} namespaces; total ${elapsed()}`;
  const phaseLines = phases.map((entry) => `- ${entry.name}: ${entry.status === 0 ? 'ok' : 'FAILED'}, ${entry.seconds.toFixed(0)} s`);
  const report = [header, '', text, '', 'Phases:', ...phaseLines].join('\n');
  writeFileSync(join(BENCH_CACHE, 'table.md'), `${report}\n`);
  process.stdout.write(`\n${report}\n`);
  if (phases.some((entry) => entry.status !== 0)) process.exit(1);
}

await main();
