/*
 * HTTPRoutes in the shapes their projects document them, written out for tests: Istio's Bookinfo Gateway API
 * routes (samples/bookinfo/gateway-api: a Service parent, one Service per version, bookinfo-versions.yaml) and
 * the Gateway API guides' traffic splitting and header matching on a Gateway parent (foo-v1 / foo-v2).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { deployment, sampleObjects, serviceObject, yamlObjects } from '@/lib/mesh/fixtures.test-helpers';

const reviewsRoute = (rules: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
${rules}`;

/** Istio's route-reviews-90-10.yaml: 90 / 10 between reviews-v1 and reviews-v2. */
export const REVIEWS_90_10 = reviewsRoute(`
  - backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 90
    - name: reviews-v2
      port: 9080
      weight: 10`);

/** Istio's route-reviews-v1.yaml: everything to v1, no weight (the API's default of 1). */
export const REVIEWS_V1 = reviewsRoute(`
  - backendRefs:
    - name: reviews-v1
      port: 9080`);

/** Istio's route-reviews-test-v2.yaml: user jason to v2, everyone else to v1. */
export const REVIEWS_TEST_V2 = reviewsRoute(`
  - matches:
    - headers:
      - name: end-user
        value: jason
    backendRefs:
    - name: reviews-v2
      port: 9080
  - backendRefs:
    - name: reviews-v1
      port: 9080`);

/** Istio's route-reviews-50-v3.yaml: half to v1, half to v3. */
export const REVIEWS_50_V3 = reviewsRoute(`
  - backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 50
    - name: reviews-v3
      port: 9080
      weight: 50`);

/** Bookinfo's reviews with its per-version Services (bookinfo-versions.yaml) and ready Deployments. */
export function reviewsWithRoute(route: string, ready: Record<string, number> = { v1: 1, v2: 1, v3: 1 }): KubernetesObject[] {
  const versions = sampleObjects('bookinfo-versions.yaml').filter((object) => object.metadata?.name?.startsWith('reviews-'));
  return [serviceObject('reviews'), ...versions, ...yamlObjects(route), ...Object.entries(ready).map(([version, count]) => deployment('reviews', version, count))];
}

/** The Gateway API guide's traffic split on a Gateway: foo-v1 90, foo-v2 10, with a header rule for testers. */
export const FOO_SPLIT_WITH_HEADER = `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: foo-route
  labels:
    gateway: prod-web-gw
spec:
  parentRefs:
  - name: prod-web
  hostnames:
  - foo.example.com
  rules:
  - matches:
    - headers:
      - name: traffic
        value: test
    backendRefs:
    - name: foo-v2
      port: 8080
  - backendRefs:
    - name: foo-v1
      port: 8080
      weight: 90
    - name: foo-v2
      port: 8080
      weight: 10
    timeouts:
      request: 10s
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        add:
        - name: x-route
          value: foo
`;

/** foo with Services foo (root), foo-v1, foo-v2 on port 8080, and a ready Deployment per version. */
export function fooObjects(route = FOO_SPLIT_WITH_HEADER): KubernetesObject[] {
  return [
    serviceObject('foo', 'default', { app: 'foo' }, 8080),
    serviceObject('foo-v1', 'default', { app: 'foo', version: 'v1' }, 8080),
    serviceObject('foo-v2', 'default', { app: 'foo', version: 'v2' }, 8080),
    deployment('foo', 'v1', 2),
    deployment('foo', 'v2', 1),
    ...yamlObjects(route),
  ];
}
