/** Reads and resets objects in the e2e sandbox through its kubectl, as the sandbox admin. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { SHARED_DIR } from '../../dev/sandbox/sandbox.ts';

function kubectl(args: string[], input?: string): string {
  const binary = process.env.WEIR_SANDBOX_KUBECTL;
  const kubeconfig = process.env.WEIR_SANDBOX_KUBECONFIG;
  if (!binary || !kubeconfig) throw new Error('WEIR_SANDBOX_KUBECTL / WEIR_SANDBOX_KUBECONFIG are not set: run through playwright.config.ts');
  return execFileSync(binary, ['--kubeconfig', kubeconfig, '--context', 'admin', ...args], { encoding: 'utf8', input });
}

export function getObject<T = any>(kind: string, namespace: string, name: string): T | undefined {
  const out = kubectl(['get', kind, name, '-n', namespace, '-o', 'json', '--ignore-not-found']);
  return out.trim() ? (JSON.parse(out) as T) : undefined;
}

/** Weights of the last (catch-all) route of a VirtualService, by subset. */
export function listObjects<T = any>(kind: string, namespace: string): T[] {
  return JSON.parse(kubectl(['get', kind, '-n', namespace, '-o', 'json'])).items;
}

export function vsWeights(namespace: string, name: string): Record<string, number> {
  const vs = getObject('virtualservices.networking.istio.io', namespace, name);
  const route: { destination: { subset: string }; weight?: number }[] = vs.spec.http.at(-1).route;
  return Object.fromEntries(route.map((entry) => [entry.destination.subset, entry.weight ?? (route.length === 1 ? 100 : 0)]));
}

export function subsets(namespace: string, name: string): string[] {
  return getObject('destinationrules.networking.istio.io', namespace, name).spec.subsets.map((s: { name: string }) => s.name);
}

export function apply(namespace: string, files: string[]): void {
  kubectl(['apply', '-n', namespace, ...files.flatMap((file) => ['-f', file])]);
}

export function applyYaml(yaml: string): void {
  kubectl(['apply', '-f', '-'], yaml);
}

export function deleteObjects(namespace: string, refs: string[]): void {
  kubectl(['delete', '-n', namespace, '--ignore-not-found', '--wait=true', ...refs]);
}

export function waitAvailable(namespace: string): void {
  kubectl(['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

export const sample = (file: string) => resolve(SHARED_DIR, 'fixtures/istio-samples', file);

/** Reasons of the Kubernetes Events recorded on Releases in a namespace. */
export function releaseEventReasons(namespace: string): string[] {
  const events = JSON.parse(kubectl(['get', 'events', '-n', namespace, '--field-selector', 'involvedObject.kind=Release', '-o', 'json'])) as { items: { reason: string }[] };
  return events.items.map((event) => event.reason);
}

/** Weights of the last (catch-all) rule of an HTTPRoute, by backend Service. */
export function httpRouteWeights(namespace: string, name: string): Record<string, number> {
  const route = getObject('httproutes.gateway.networking.k8s.io', namespace, name);
  return Object.fromEntries((route.spec.rules.at(-1).backendRefs as { name: string; weight?: number }[]).map((ref) => [ref.name, ref.weight ?? 1]));
}

/** Backends of a TrafficSplit and their weights. */
export function trafficSplitWeights(namespace: string, name: string): Record<string, number> {
  const split = getObject('trafficsplits.split.smi-spec.io', namespace, name);
  return Object.fromEntries((split.spec.backends as { service: string; weight: number }[]).map((backend) => [backend.service, backend.weight]));
}

/** Scales a Deployment (through the sandbox's own API server). */
export function scaleDeployment(namespace: string, name: string, replicas: number): void {
  kubectl(['scale', '-n', namespace, `deployment/${name}`, `--replicas=${replicas}`]);
}
