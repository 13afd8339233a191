import { describe, expect, it } from 'vitest';
import { helloMesh, pod, request } from './fixtures.test-helpers.ts';
import type { HttpRoute } from './gateway-api/types.ts';
import type { VirtualService } from './istio/types.ts';
import { RoutingTable, sidecarClients } from './routing-table.ts';
import type { TrafficSplit } from './smi/types.ts';
import { helloSnapshot, route, toSubset } from './xds/snapshot.test-helpers.ts';

const virtualService: VirtualService = { metadata: { name: 'hello', namespace: 'demo' }, spec: { hosts: ['hello'], http: [{ route: [{ destination: { host: 'hello-v1' } }] }] } };
const httpRoute: HttpRoute = {
  metadata: { name: 'hello', namespace: 'demo' },
  spec: { parentRefs: [{ group: '', kind: 'Service', name: 'hello' }], rules: [{ backendRefs: [{ name: 'hello-v2', port: 5000 }] }] },
};
const trafficSplit: TrafficSplit = { metadata: { name: 'hello', namespace: 'demo' }, spec: { service: 'hello', backends: [{ service: 'hello-v3', weight: 1 }] } };

describe('RoutingTable', () => {
  it('sends traffic to each Service any of the three APIs routes, and to no other', () => {
    expect(new RoutingTable(helloMesh()).routed).toEqual([]);
    for (const objects of [{ virtualServices: [virtualService] }, { httpRoutes: [httpRoute] }, { trafficSplits: [trafficSplit] }]) {
      expect(new RoutingTable(helloMesh(objects)).routed.map((service) => service.fqdn)).toEqual(['hello.demo.svc.cluster.local']);
    }
  });

  it('names the routing API: VirtualService, then HTTPRoute, then TrafficSplit when several claim one Service, and reports it', () => {
    const all = new RoutingTable(helloMesh({ virtualServices: [virtualService], httpRoutes: [httpRoute], trafficSplits: [trafficSplit] }));
    expect(all.routed[0]?.api).toBe('VirtualService');
    expect(all.conflicts).toEqual([{ fqdn: 'hello.demo.svc.cluster.local', used: 'VirtualService', ignored: ['HTTPRoute', 'TrafficSplit'] }]);
    const two = new RoutingTable(helloMesh({ httpRoutes: [httpRoute], trafficSplits: [trafficSplit] }));
    expect(two.routed[0]?.api).toBe('HTTPRoute');
  });

  it('routes VirtualService and HTTPRoute traffic by the client sidecar snapshot, never by the objects', () => {
    // The objects say hello-v1 (VirtualService) and hello-v2 (HTTPRoute); istiod's config says subset v3.
    const snapshot = helloSnapshot([route(toSubset('v3'))]);
    for (const objects of [{ virtualServices: [virtualService] }, { httpRoutes: [httpRoute] }]) {
      const table = new RoutingTable(helloMesh(objects), () => snapshot);
      expect(table.routed[0]?.route(request(), () => 0.5)).toMatchObject({ kind: 'upstream', address: '10.244.0.3', version: 'v3' });
    }
  });

  it("calls from the namespace's sleep pod, else from its first Ready pod by name, one agent subscription each", () => {
    const table = new RoutingTable(helloMesh({ virtualServices: [virtualService] }));
    expect(table.routed[0]?.client).toMatchObject({ key: 'demo/sleep-7d9c-s', ip: '10.244.9.9', workloadName: 'sleep', labels: { app: 'sleep' } });
    expect(table.routed[0]?.source).toBe('sleep');
    const noSleep = new RoutingTable(helloMesh({ virtualServices: [virtualService], pods: [pod('z', 'v2', true, '10.244.0.2'), pod('a', 'v1', false, '10.244.0.1'), pod('b', 'v3', true, '10.244.0.3')] }));
    expect(noSleep.routed[0]?.client?.name).toBe('hello-v2-7d9c-z');
    expect(sidecarClients(noSleep.routed).map((client) => client.key)).toEqual(['demo/hello-v2-7d9c-z']);
  });

  it('does not call an istiod-routed Service with no Ready pod in its namespace, and says why', () => {
    const table = new RoutingTable(helloMesh({ virtualServices: [virtualService], pods: [pod('a', 'v1', false, '10.244.0.1')] }));
    expect(table.routed).toEqual([]);
    expect(table.uncallable).toEqual([{ fqdn: 'hello.demo.svc.cluster.local', name: 'hello', namespace: 'demo', reason: 'no Ready pod in demo to call it from' }]);
    expect(new RoutingTable(helloMesh({ trafficSplits: [trafficSplit], pods: [] })).routed[0]?.source).toBe('simulator');
  });
});
