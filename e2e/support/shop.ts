/**
 * A small Istio service of a spec's own, so a spec that changes it leaves the demo scenarios alone: `shop` with
 * versions v1 (all traffic) and v2 (0%, subset and Deployment ready), and `plain`, a Service with a versioned
 * Deployment and no routing yet (for "Create routing").
 */
import { applyYaml, waitAvailable } from './cluster';

function deployment(namespace: string, app: string, version: string, image: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${app}-${version}, namespace: ${namespace}, labels: {app: ${app}, version: ${version}}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${app}, version: ${version}}}
  template:
    metadata: {labels: {app: ${app}, version: ${version}}}
    spec: {containers: [{name: ${app}, image: '${image}'}]}
`;
}

function service(namespace: string, app: string): string {
  return `
apiVersion: v1
kind: Service
metadata: {name: ${app}, namespace: ${namespace}, labels: {app: ${app}}}
spec:
  selector: {app: ${app}}
  ports: [{name: http, port: 8080}]
`;
}

export function shopYaml(namespace: string): string {
  return [
    `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${namespace}}\n`,
    service(namespace, 'shop'),
    deployment(namespace, 'shop', 'v1', 'registry.example/shop:1'),
    deployment(namespace, 'shop', 'v2', 'registry.example/shop:2'),
    `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: shop, namespace: ${namespace}}
spec:
  host: shop
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`,
    `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: ${namespace}}
spec:
  hosts: [shop]
  http: [{route: [{destination: {host: shop, subset: v1}, weight: 100}, {destination: {host: shop, subset: v2}, weight: 0}]}]
`,
    service(namespace, 'plain'),
    deployment(namespace, 'plain', 'v1', 'registry.example/plain:1'),
  ].join('---\n');
}

/** Creates the namespace's shop and plain services (idempotent) and waits until their Deployments are available. */
export function applyShop(namespace: string): void {
  applyYaml(shopYaml(namespace));
  waitAvailable(namespace);
}
