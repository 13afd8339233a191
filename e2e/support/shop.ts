/**
 * A small Istio service of a spec's own, so a spec that changes it leaves the demo scenarios alone: `shop` with
 * versions v1 (all traffic) and v2 (0%, subset and Deployment ready), and `plain`, a Service with a versioned
 * Deployment and no routing yet (for "Create routing").
 */
import { applyYaml, waitAvailable } from './cluster';

export const namespaceYaml = (namespace: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`;

/** A version's Deployment (`app`, `version` labels), kwok makes its pods ready; the image matters only to admission. */
export function deploymentYaml(namespace: string, app: string, version: string, { image = 'nginx:1.27', replicas = 1 }: { image?: string; replicas?: number } = {}): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}-${version}, namespace: ${namespace}, labels: {app: ${app}, version: ${version}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${app}, version: ${version}}}
  template:
    metadata: {labels: {app: ${app}, version: ${version}}}
    spec: {containers: [{name: ${app}, image: '${image}'}]}
`;
}

export function serviceYaml(namespace: string, app: string): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${app}, namespace: ${namespace}, labels: {app: ${app}}}
spec:
  selector: {app: ${app}}
  ports: [{name: http, port: 8080}]
`;
}

/** A client in the namespace, so the traffic simulator sends requests to its services (and the chart has data). */
export function sleepClientYaml(namespace: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: sleep, namespace: ${namespace}, labels: {app: sleep}}
spec:
  replicas: 1
  selector: {matchLabels: {app: sleep}}
  template:
    metadata: {labels: {app: sleep}}
    spec: {containers: [{name: sleep, image: 'curlimages/curl:8.5.0', command: [/bin/sleep, infinity]}]}
`;
}

/** An Istio DestinationRule with one subset per version (selected by the `version` label). */
export function destinationRuleYaml(namespace: string, host: string, versions: string[]): string {
  return `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host}, namespace: ${namespace}}
spec:
  host: ${host}
  subsets: [${versions.map((version) => `{name: ${version}, labels: {version: ${version}}}`).join(', ')}]
`;
}

/** An Istio VirtualService with one route splitting traffic over subsets by weight. */
export function virtualServiceYaml(namespace: string, host: string, weights: Record<string, number>): string {
  const route = Object.entries(weights).map(([subset, weight]) => `{destination: {host: ${host}, subset: ${subset}}, weight: ${weight}}`);
  return `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${host}, namespace: ${namespace}}
spec:
  hosts: [${host}]
  http: [{route: [${route.join(', ')}]}]
`;
}

/** Objects as one multi-document YAML. */
export const yamlDocuments = (...documents: string[]) => documents.join('---\n');

export function shopYaml(namespace: string): string {
  return yamlDocuments(
    namespaceYaml(namespace),
    serviceYaml(namespace, 'shop'),
    deploymentYaml(namespace, 'shop', 'v1', { image: 'registry.example/shop:1' }),
    deploymentYaml(namespace, 'shop', 'v2', { image: 'registry.example/shop:2' }),
    destinationRuleYaml(namespace, 'shop', ['v1', 'v2']),
    virtualServiceYaml(namespace, 'shop', { v1: 100, v2: 0 }),
    serviceYaml(namespace, 'plain'),
    deploymentYaml(namespace, 'plain', 'v1', { image: 'registry.example/plain:1' }),
  );
}

/** Creates the namespace's shop and plain services (idempotent) and waits until their Deployments are available. */
export function applyShop(namespace: string): void {
  applyYaml(shopYaml(namespace));
  waitAvailable(namespace);
}
