import { describe, expect, it } from 'vitest';
import type { KubernetesObject } from '@kubernetes/client-node';
import { MeshError } from '@/lib/mesh/errors';
import { plan, rejection, reviewsObjects, stateOf, yamlObjects } from '@/lib/mesh/fixtures.test-helpers';

/*
 * Which VirtualService routes a host, the way istiod picks it for sidecars of the host's namespace: exported
 * only to that namespace first, then exported to it by name, then public ones (any namespace), oldest first
 * within each; gateway-only and not-exported ones do not count. (Checked against istiod's own routes in
 * lib/providers/istio/xds-oracle.int.test.ts.)
 */

/** A VirtualService for reviews (FQDN, so it means the same host from any namespace) sending all to one subset. */
function vs(name: string, namespace: string, subset: string, created: number, extra: Record<string, unknown> = {}): KubernetesObject {
  const [object] = yamlObjects(
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}}
spec:
  hosts: [reviews.default.svc.cluster.local]
  http:
  - route: [{destination: {host: reviews.default.svc.cluster.local, subset: ${subset}}}]`,
    namespace,
  );
  return { ...object!, metadata: { ...object!.metadata, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, created)) }, spec: { ...(object as { spec: object }).spec, ...extra } } as KubernetesObject;
}

const bookinfo = () => reviewsObjects('virtual-service-all-v1.yaml').filter((object) => object.kind !== 'VirtualService');
const governing = (objects: KubernetesObject[]) => stateOf(objects, 'reviews').view;
const weights = (objects: KubernetesObject[]) => Object.fromEntries(governing(objects).versions.filter((v) => v.weight > 0).map((v) => [v.name, v.weight]));

describe('the VirtualService that routes a host, as istiod picks it', () => {
  it('is the oldest public one, whichever namespace it is in', () => {
    const objects = [...bookinfo(), vs('local', 'default', 'v2', 5), vs('team-a', 'team-a', 'v3', 1)];
    expect(weights(objects)).toEqual({ v3: 100 });
    const view = governing(objects);
    expect(view.objects[0]).toMatchObject({ kind: 'VirtualService', name: 'team-a', namespace: 'team-a' });
    expect(view.validations).toContainEqual({ code: 'routing-elsewhere', severity: 'warning', subject: 'team-a/team-a', kind: 'VirtualService' });
    expect(view.validations).toContainEqual({ code: 'multiple-routing-objects', severity: 'warning', subject: 'team-a/team-a, local', kind: 'VirtualService' });
  });

  it('is the service namespace’s own private one before any public one, even an older one', () => {
    const objects = [...bookinfo(), vs('team-a', 'team-a', 'v3', 1), vs('local', 'default', 'v2', 5, { exportTo: ['.'] })];
    expect(weights(objects)).toEqual({ v2: 100 });
  });

  it('comes after one exported to the namespace by name, which comes before public ones', () => {
    const objects = [...bookinfo(), vs('public', 'team-b', 'v3', 1), vs('named', 'team-a', 'v2', 5, { exportTo: ['default'] })];
    expect(governing(objects).objects[0]).toMatchObject({ name: 'named', namespace: 'team-a' });
  });

  it('ignores one bound to a gateway only, and one exported to other namespaces only (naming it)', () => {
    const objects = [
      ...bookinfo(),
      vs('gateway-only', 'default', 'v3', 1, { gateways: ['istio-system/ingress'] }),
      vs('for-team-b', 'team-b', 'v3', 2, { exportTo: ['team-b'] }),
      vs('local', 'default', 'v2', 5),
    ];
    expect(weights(objects)).toEqual({ v2: 100 });
    expect(governing(objects).validations).toContainEqual({ code: 'routing-for-other-clients', severity: 'warning', subject: 'team-b/for-team-b', kind: 'VirtualService' });
  });

  it('refuses to edit a VirtualService of another namespace, saying which and why', () => {
    const objects = [...bookinfo(), vs('team-a', 'team-a', 'v1', 1)];
    const error = rejection(() => plan(stateOf(objects, 'reviews'), { type: 'set-weights', expected: 'x', weights: { v1: 50, v2: 50 } }), MeshError);
    expect(error.message).toBe("VirtualService team-a/team-a routes reviews.default; Weir edits only VirtualServices in the service's own namespace (default)");
  });

  it('reads delegated routes as read-only and says so', () => {
    const root = vs('root', 'default', 'v1', 1, { http: [{ match: [{ uri: { prefix: '/api' } }], delegate: { name: 'reviews-api', namespace: 'api-team' } }, { route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] });
    const view = governing([...bookinfo(), root]);
    expect(view.validations).toContainEqual({ code: 'delegated-routes', severity: 'warning', subject: 'api-team/reviews-api', kind: 'VirtualService' });
    expect(view.otherRoutes.map((route) => route.extras)).toEqual([['delegate api-team/reviews-api']]);
    expect(view.managedRouteIndex).toBe(1);
  });
});
