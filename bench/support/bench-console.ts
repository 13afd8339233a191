/**
 * The console a bench measures: the one `bench/run.ts` started for this phase (WEIR_BENCH_CONSOLE_URL / _PID,
 * fresh, caches synced, nothing served yet), or, when a bench runs on its own, one it starts itself.
 */
import { join } from 'node:path';
import type { Sandbox } from '../../dev/sandbox/sandbox.ts';
import { BENCH_CACHE, startConsole, type RunningConsole } from './console.ts';

export interface BenchConsole extends RunningConsole {
  /** Whether this bench started it (and so it is fresh); otherwise the runner did. */
  owned: boolean;
}

export async function benchConsole(sandbox: Pick<Sandbox, 'kubeconfig' | 'consoleKubeconfig' | 'prometheusUrl'>, name: string): Promise<BenchConsole> {
  const url = process.env.WEIR_BENCH_CONSOLE_URL;
  const pid = Number(process.env.WEIR_BENCH_CONSOLE_PID);
  if (url && pid) {
    const inspectPort = Number(process.env.WEIR_BENCH_CONSOLE_INSPECT) || undefined;
    return { url, pid, inspectPort, owned: false, stop: async () => {} };
  }
  const started = await startConsole(sandbox, { log: join(BENCH_CACHE, `${name}.console.log`), inspect: process.env.WEIR_BENCH_CPU_PROFILE === '1' });
  return { ...started, owned: true };
}

/** N and the namespaces they spread over, from the environment (issue 16: 2,000 and 10,000 over 1,000). */
export function benchScale(): { services: number; namespaces: number } {
  const services = Number(process.env.WEIR_BENCH_SERVICES ?? 2000);
  const namespaces = Number(process.env.WEIR_BENCH_NAMESPACES ?? 1000);
  if (!Number.isInteger(services) || services < 1) throw new Error(`WEIR_BENCH_SERVICES must be a positive number, not ${process.env.WEIR_BENCH_SERVICES}`);
  if (!Number.isInteger(namespaces) || namespaces < 1) throw new Error(`WEIR_BENCH_NAMESPACES must be a positive number, not ${process.env.WEIR_BENCH_NAMESPACES}`);
  return { services, namespaces };
}
