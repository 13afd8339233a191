/**
 * For the integration tests: namespaces of test workloads in the sandbox, and simulators of their own
 * aimed at one Service (fast, so 10,000 requests take seconds; the sandbox's simulator keeps running).
 * `cleanup` stops the simulators and deletes the namespaces.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectl, type Sandbox } from '../sandbox/sandbox.ts';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from './simulator.ts';
import { apply, deployment } from './split-probe.test-helpers.ts';

/** Waits while `namespace` is still being deleted (by an earlier run's cleanup): nothing can be created in it meanwhile. */
async function untilNotTerminating(sandbox: Sandbox, namespace: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await kubectl(sandbox, ['get', 'namespace', namespace, '--ignore-not-found', '-o', 'jsonpath={.status.phase}'])).trim() === 'Terminating') {
    if (Date.now() > deadline) throw new Error(`namespace ${namespace} is still terminating after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function testbed(sandbox: Sandbox) {
  const scratch = mkdtempSync(join(tmpdir(), 'weir-sim-test-'));
  const namespaces: string[] = [];
  const simulators: RunningSimulator[] = [];
  if (!sandbox.istiodXds) throw new Error(`the sandbox in ${sandbox.dir} has no istiod (no WEIR_ISTIOD_XDS in its sandbox.env): start it with dev/cluster/up.sh, which runs istiod`);

  return {
    scratch,
    /** Applies objects (kubectl apply) as `<scratch>/<name>.yaml`. */
    apply: (name: string, objects: object[]) => apply(sandbox, scratch, name, objects),

    /** A namespace with its Services and one-pod Deployments `hello-<version>`, rolled out. */
    async workloads(namespace: string, services: object[], versions: string[], extra: object[] = []): Promise<void> {
      namespaces.push(namespace);
      await untilNotTerminating(sandbox, namespace);
      await apply(sandbox, scratch, namespace, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, ...services, ...versions.map((v) => deployment(namespace, 'hello', v)), ...extra]);
      for (const version of versions) await kubectl(sandbox, ['rollout', 'status', '-n', namespace, `deployment/hello-${version}`, '--timeout=60s']);
    },

    /** A simulator at 5,000 requests/s for `namespace/hello`, routed by the sandbox's istiod unless told otherwise. */
    async simulatorFor(namespace: string, options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
      const simulator = await startSimulator({ kubeconfig: sandbox.kubeconfig, context: 'admin', istiodXds: sandbox.istiodXds, rate: 5_000, services: [`${namespace}/hello`], ...options });
      simulators.push(simulator);
      return simulator;
    },

    async cleanup(): Promise<void> {
      try {
        await Promise.all(simulators.map((simulator) => simulator.stop()));
        for (const namespace of namespaces) await kubectl(sandbox, ['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
  };
}

/** The `/metrics` text of a simulator. */
export async function exported(simulator: RunningSimulator): Promise<string> {
  return (await fetch(`${simulator.url}/metrics`)).text();
}
