import { describe, expect, it } from 'vitest';
import { helloMesh, request } from './fixtures.test-helpers.ts';
import type { HttpRoute } from './gateway-api/types.ts';
import type { VirtualService } from './istio/types.ts';
import { RoutingTable } from './routing-table.ts';
import type { TrafficSplit } from './smi/types.ts';

const virtualService: VirtualService = { metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http: [{ route: [{ destination: { host: 'hello-v1' } }] }] } };
const httpRoute: HttpRoute = {
  metadata: { name: 'hello', namespace: 'demo' },
  spec: { parentRefs: [{ group: '', kind: 'Service', name: 'hello' }], rules: [{ backendRefs: [{ name: 'hello-v2', port: 5000 }] }] },
};
const trafficSplit: TrafficSplit = { metadata: { name: 'hello', namespace: 'demo' }, spec: { service: 'hello', backends: [{ service: 'hello-v3', weight: 1 }] } };

function landsOn(table: RoutingTable): string | undefined {
  const outcome = table.routed.find((service) => service.name === 'hello')?.route(request(), 0.5);
  return outcome?.kind === 'forward' ? outcome.backend.name : undefined;
}

describe('RoutingTable', () => {
  it('sends traffic to each Service any of the three APIs routes, and to no other', () => {
    expect(new RoutingTable(helloMesh()).routed).toEqual([]);
    for (const objects of [{ virtualServices: [virtualService] }, { httpRoutes: [httpRoute] }, { trafficSplits: [trafficSplit] }]) {
      expect(new RoutingTable(helloMesh(objects)).routed.map((service) => service.fqdn)).toEqual(['hello.demo.svc.cluster.local']);
    }
  });

  it('follows the VirtualService, then the HTTPRoute, then the TrafficSplit when several route one Service, and reports it', () => {
    const all = new RoutingTable(helloMesh({ virtualServices: [virtualService], httpRoutes: [httpRoute], trafficSplits: [trafficSplit] }));
    expect(landsOn(all)).toBe('hello-v1');
    expect(all.routed[0]?.api).toBe('VirtualService');
    expect(all.conflicts).toEqual([{ fqdn: 'hello.demo.svc.cluster.local', used: 'VirtualService', ignored: ['HTTPRoute', 'TrafficSplit'] }]);
    const two = new RoutingTable(helloMesh({ httpRoutes: [httpRoute], trafficSplits: [trafficSplit] }));
    expect(landsOn(two)).toBe('hello-v2');
    expect(two.conflicts).toEqual([{ fqdn: 'hello.demo.svc.cluster.local', used: 'HTTPRoute', ignored: ['TrafficSplit'] }]);
  });

  it("names the callers after the namespace's sleep client when there is one", () => {
    const sleep = { metadata: { name: 'sleep', namespace: 'demo' } };
    expect(new RoutingTable(helloMesh({ trafficSplits: [trafficSplit] })).routed[0]?.source).toBe('simulator');
    expect(new RoutingTable(helloMesh({ trafficSplits: [trafficSplit], deployments: [sleep] })).routed[0]?.source).toBe('sleep');
  });
});
