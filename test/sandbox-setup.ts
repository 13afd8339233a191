/**
 * Vitest global setup for integration tests: starts one real sandbox (kube-apiserver, etcd, controllers, kwok)
 * for the whole run, or reuses the one named by WEIR_SANDBOX_DIR, and hands its facts to the tests.
 */
import type { TestProject } from 'vitest/node';
import { buildControlPlane, describeSandbox, apiServerVersion, startSandbox, stopSandbox, type Sandbox } from '../dev/sandbox/sandbox.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    sandbox: Sandbox;
  }
}

export default async function setup(project: TestProject) {
  const reuse = process.env.WEIR_SANDBOX_DIR;
  let sandbox: Sandbox;
  if (reuse) {
    sandbox = describeSandbox(reuse, await buildControlPlane());
    sandbox.apiServerVersion = await apiServerVersion(sandbox);
  } else {
    sandbox = await startSandbox();
  }
  console.log(`integration tests talk to the real kube-apiserver ${sandbox.apiServerVersion} at ${sandbox.apiServerUrl}`);
  project.provide('sandbox', sandbox);
  return async () => {
    if (!reuse) await stopSandbox(sandbox);
  };
}
