/**
 * Global setup of the browser benches: the sandbox named by WEIR_SANDBOX_DIR (bench/run.ts's) or a new one,
 * the bench services seeded (a no-op when the runner did it), and the console the runner started for this
 * phase (WEIR_BENCH_CONSOLE_URL / _PID) or one started here. Facts reach the benches through the environment.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildControlPlane, describeSandbox, startSandbox, stopSandbox, type Sandbox } from '../../dev/sandbox/sandbox.ts';
import { sandboxAdmin } from '../support/api-server.ts';
import { benchScale } from '../support/bench-console.ts';
import { BENCH_CACHE, requireBuild, startConsole, type RunningConsole } from '../support/console.ts';
import { seedServices } from '../support/seed.ts';

export default async function globalSetup() {
  if (!existsSync('/usr/bin/chromium')) throw new Error('Debian Chromium is missing: run `apt-get install chromium` (./weir test installs it)');
  requireBuild();
  const reuse = process.env.WEIR_SANDBOX_DIR;
  const sandbox: Sandbox = reuse ? describeSandbox(reuse, await buildControlPlane()) : await startSandbox();
  process.env.WEIR_SANDBOX_DIR = sandbox.dir;
  let console_: RunningConsole | undefined;
  try {
    if (!process.env.WEIR_BENCH_CONSOLE_URL) {
      const { services, namespaces } = benchScale();
      const admin = sandboxAdmin(sandbox.kubeconfig);
      const seed = await seedServices(admin, services, namespaces);
      admin.close();
      console.log(`seeded ${seed.created} services (${seed.objects} objects) in ${seed.seconds.toFixed(1)} s`);
      console_ = await startConsole(sandbox, { log: join(BENCH_CACHE, 'browser.console.log') });
      process.env.WEIR_BENCH_CONSOLE_URL = console_.url;
      process.env.WEIR_BENCH_CONSOLE_PID = String(console_.pid);
    }
  } catch (error) {
    if (!reuse) await stopSandbox(sandbox);
    throw error;
  }
  return async () => {
    await console_?.stop();
    if (!reuse) await stopSandbox(sandbox);
  };
}
