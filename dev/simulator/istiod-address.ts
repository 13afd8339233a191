/**
 * Where istiod's plaintext xDS listens: the `--istiod-xds` flag, else WEIR_SIM_ISTIOD_XDS, else the
 * WEIR_ISTIOD_XDS that dev/cluster/up.sh wrote to the sandbox's sandbox.env (the folder of the kubeconfig).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** host:port, or a message saying what to do when no istiod is known. */
export function istiodXdsAddress(flag: string | undefined, env: Record<string, string | undefined>, kubeconfig: string): { address: string } | { problem: string } {
  const given = flag || env.WEIR_SIM_ISTIOD_XDS;
  if (given) return /^[^:\s]+:\d+$/.test(given) ? { address: given } : { problem: `--istiod-xds must be host:port, got "${given}"` };
  const file = join(dirname(kubeconfig), 'sandbox.env');
  const line = existsSync(file) ? readFileSync(file, 'utf8').split('\n').find((entry) => entry.startsWith('WEIR_ISTIOD_XDS=')) : undefined;
  const fromSandbox = line?.slice('WEIR_ISTIOD_XDS='.length).trim().replace(/^['"]|['"]$/g, '');
  if (fromSandbox) return { address: fromSandbox };
  return {
    problem:
      `no istiod known: ${file} has no WEIR_ISTIOD_XDS; pass --istiod-xds host:port (or WEIR_SIM_ISTIOD_XDS). ` +
      'The simulator routes Istio and Gateway API traffic by what istiod pushes, so it needs one (dev/cluster/up.sh starts it)',
  };
}
