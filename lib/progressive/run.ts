import 'server-only';
import { weirEnv } from '@/lib/config/env';
import { clusterTargets } from '@/lib/k8s/clusters';
import { prometheusUrlFor } from '@/lib/metrics/service-metrics';
import { startController, type RunningController } from './controller';

const registry = globalThis as typeof globalThis & { __weirController?: RunningController };

/** Starts the progressive-delivery controller for every configured cluster, once per process (unless turned off). */
export function startReleaseController(): RunningController | undefined {
  const env = weirEnv();
  if (!env.WEIR_CONTROLLER) return undefined;
  registry.__weirController ??= startController({
    clusters: [...clusterTargets().values()],
    leaseNamespace: env.WEIR_NAMESPACE,
    leaseSeconds: env.WEIR_LEASE_SECONDS,
    tickMs: env.WEIR_CONTROLLER_TICK_MS,
    prometheusUrlFor,
  });
  return registry.__weirController;
}

/** Stops the controller and hands its Lease over (on SIGTERM). */
export async function stopReleaseController(): Promise<void> {
  await registry.__weirController?.stop();
  registry.__weirController = undefined;
}
