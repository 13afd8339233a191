import { describe, expect, it } from 'vitest';
import { clientPopulation } from './client-population.ts';
import { helloMesh, seeded, service } from './fixtures.test-helpers.ts';
import { IstioMetrics } from './istio-metrics.ts';
import type { ServiceEntry, VirtualService, WorkloadEntry } from './istio/types.ts';
import type { MeshObjects } from './router.ts';
import { RoutingTable } from './routing-table.ts';
import { simulateRequest } from './simulate-request.ts';
import { sidecarCall } from './xds/sidecar-call.ts';
import { cluster, endpoint, everything, helloSnapshot, route } from './xds/snapshot.test-helpers.ts';
import type { Action, Snapshot } from './xds/snapshot.ts';

const HOST = 'hello.vm.example';
const SLEEP = 'demo/sleep-7d9c-s';
const caller = clientPopulation(0)[0]!;

function serviceEntry(spec: ServiceEntry['spec'] = {}, name = 'hello-vm', namespace = 'demo'): ServiceEntry {
  return {
    metadata: { name, namespace },
    spec: { hosts: [HOST], location: 'MESH_INTERNAL', resolution: 'STATIC', ports: [{ number: 8080, protocol: 'HTTP', name: 'http', targetPort: 9080 }], workloadSelector: { labels: { app: 'hello-vm' } }, ...spec },
  };
}

const virtualService = (hosts = [HOST], namespace = 'demo'): VirtualService => ({ metadata: { name: 'hello-vm', namespace }, spec: { hosts, http: [] } });

function entry(name: string, address: string, version: string, healthy?: boolean): WorkloadEntry {
  return {
    metadata: { name, namespace: 'demo' },
    spec: { address, labels: { app: 'hello-vm', version } },
    ...(healthy === undefined ? {} : { status: { conditions: [{ type: 'Healthy', status: healthy ? 'True' : 'False' }] } }),
  };
}

const ENTRIES = [entry('hello-vm-v1-a', '10.77.0.1', 'v1'), entry('hello-vm-v1-b', '10.77.0.2', 'v1'), entry('hello-vm-v2', '10.77.0.3', 'v2')];
const vmCluster = (subset: string) => `outbound|8080|${subset}|${HOST}`;

/**
 * What istiod pushed to the sleep pod's sidecar for the entry in the sandbox: the entry's virtual host in
 * route configuration "8080" of the wildcard listener 0.0.0.0_8080, beside hello's on 5000, and a cluster
 * per subset with the WorkloadEntries' addresses on the target port.
 */
function vmSnapshot(action: Action): Snapshot {
  const base = helloSnapshot([]);
  return {
    ...base,
    listeners: [
      ...base.listeners,
      {
        name: '0.0.0.0_8080',
        address: '0.0.0.0',
        port: 8080,
        bindToPort: false,
        filterChains: [{ match: { transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'] }, http: { routeConfigName: '8080' } }],
        defaultFilterChain: { name: 'PassthroughFilterChain', match: {}, tcp: { cluster: 'PassthroughCluster' } },
      },
    ],
    routeConfigs: {
      ...base.routeConfigs,
      '8080': {
        name: '8080',
        ignorePortInHostMatching: true,
        virtualHosts: [
          { name: `${HOST}:8080`, domains: [HOST, `${HOST}.`], routes: [route(action)] },
          { name: 'allow_any', domains: ['*'], routes: [{ name: 'allow_any', match: everything, action: { kind: 'cluster', cluster: 'PassthroughCluster' } }] },
        ],
      },
    },
    clusters: {
      ...base.clusters,
      [vmCluster('v1')]: cluster(vmCluster('v1'), [endpoint('10.77.0.1', 'UNKNOWN', { port: 9080 }), endpoint('10.77.0.2', 'UNKNOWN', { port: 9080 })]),
      [vmCluster('v2')]: cluster(vmCluster('v2'), [endpoint('10.77.0.3', 'UNKNOWN', { port: 9080 })]),
    },
  };
}

const split = (v1: number, v2: number): Action => ({ kind: 'weightedClusters', weightedClusters: [{ name: vmCluster('v1'), weight: v1 }, { name: vmCluster('v2'), weight: v2 }] });

function vmMesh(overrides: Partial<MeshObjects> = {}): MeshObjects {
  return helloMesh({ serviceEntries: [serviceEntry()], workloadEntries: ENTRIES, virtualServices: [virtualService()], ...overrides });
}

const targets = (objects: MeshObjects) => new RoutingTable(objects).routed.map(({ kind, fqdn, name, namespace, api }) => ({ kind, fqdn, name, namespace, api }));

describe('ServiceEntry hosts as targets', () => {
  it('sends traffic to a host a VirtualService of its namespace names, named by the host itself', () => {
    expect(targets(vmMesh())).toEqual([{ kind: 'ServiceEntry', fqdn: HOST, name: HOST, namespace: 'demo', api: 'VirtualService' }]);
    expect(targets(vmMesh({ virtualServices: [] }))).toEqual([]);
    expect(targets(vmMesh({ virtualServices: [virtualService([HOST], 'other')] }))).toEqual([]);
    expect(targets(vmMesh({ virtualServices: [virtualService(['*.example'])] })).map((target) => target.fqdn)).toEqual([HOST]);
  });

  it('leaves out entries it cannot call as a Service: external, DNS-resolved, wildcard, without a workload selector', () => {
    expect(targets(vmMesh({ serviceEntries: [serviceEntry({ location: 'MESH_EXTERNAL' })] }))).toEqual([]);
    expect(targets(vmMesh({ serviceEntries: [serviceEntry({ resolution: 'DNS' })] }))).toEqual([]);
    expect(targets(vmMesh({ serviceEntries: [serviceEntry({ hosts: ['*.vm.example'] })], virtualServices: [virtualService(['*.vm.example'])] }))).toEqual([]);
    expect(targets(vmMesh({ serviceEntries: [serviceEntry({ workloadSelector: undefined })] }))).toEqual([]);
    // Unset location and resolution are MESH_INTERNAL and STATIC.
    expect(targets(vmMesh({ serviceEntries: [serviceEntry({ location: undefined, resolution: undefined })] }))).toHaveLength(1);
  });

  it('takes a short host as written, as istiod does, so that a VirtualService host (qualified by Istio) does not name it', () => {
    const short = vmMesh({ serviceEntries: [serviceEntry({ hosts: ['hello-vm'] })], virtualServices: [virtualService(['hello-vm'])] });
    expect(targets(short)).toEqual([]);
  });

  it('lets a Kubernetes Service of the same FQDN win over the entry', () => {
    const fqdn = 'hello.demo.svc.cluster.local';
    const objects = vmMesh({ serviceEntries: [serviceEntry({ hosts: [fqdn] })], virtualServices: [virtualService(['hello'])] });
    expect(targets(objects)).toEqual([{ kind: 'Service', fqdn, name: 'hello', namespace: 'demo', api: 'VirtualService' }]);
  });

  it('calls the first HTTP port at the first address with Host host:port, else through the wildcard listener', () => {
    const client = new RoutingTable(vmMesh()).routed[0]!.client!;
    const ports = [{ number: 9000, protocol: 'TCP', name: 'tcp' }, { number: 8080, protocol: 'HTTP', name: 'http' }];
    const [ref] = new RoutingTable(vmMesh({ serviceEntries: [serviceEntry({ ports, addresses: ['240.240.1.1', '240.240.1.2'] })] })).routed;
    expect(sidecarCall(ref!, client)).toMatchObject({ clusterIp: '240.240.1.1', port: 8080, authority: `${HOST}:8080` });
    const [noAddress] = new RoutingTable(vmMesh()).routed;
    expect(sidecarCall(noAddress!, client)).toMatchObject({ clusterIp: '', port: 8080, authority: `${HOST}:8080` });
    const [tcpOnly] = new RoutingTable(vmMesh({ serviceEntries: [serviceEntry({ ports: [ports[0]!], addresses: ['10.10.0.0/24'] })] })).routed;
    expect(sidecarCall(tcpOnly!, client)).toMatchObject({ clusterIp: '10.10.0.0', port: 9000 });
    const portless = new RoutingTable(vmMesh({ serviceEntries: [serviceEntry({ ports: [] })] }));
    expect(portless.uncallable).toEqual([{ fqdn: HOST, name: HOST, namespace: 'demo', reason: 'it has no port' }]);
  });
});

describe('simulateRequest to a ServiceEntry host through the client sidecar', () => {
  const tableWith = (action: Action, overrides: Partial<MeshObjects> = {}, snapshot = vmSnapshot(action)) => new RoutingTable(vmMesh(overrides), (key) => (key === SLEEP ? snapshot : undefined));
  const simulate = (table: RoutingTable, random: () => number) => simulateRequest(table, table.routed.find((target) => target.fqdn === HOST)!, caller, random);

  it('splits by the weights istiod pushed, answered by the WorkloadEntries, labelled with the host and the entry namespace', () => {
    const table = tableWith(split(80, 20));
    const metrics = new IstioMetrics();
    const random = seeded(7);
    for (let index = 0; index < 10_000; index += 1) metrics.record(simulate(table, random)!);
    const counts = metrics.split('demo', HOST);
    expect(counts.responseCodes).toEqual({ '200': 10_000 });
    expect(Math.abs(counts.versions.v1! / counts.total - 0.8)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(counts.versions.v2! / counts.total - 0.2)).toBeLessThanOrEqual(0.02);
    expect(simulate(table, () => 0.9)).toMatchObject({
      calledService: { name: HOST, namespace: 'demo' },
      destinationService: HOST,
      destinationServiceName: HOST,
      destinationServiceNamespace: 'demo',
      destinationWorkload: 'hello-vm-v2',
      destinationWorkloadNamespace: 'demo',
      destinationVersion: 'v2',
    });
  });

  it('answers 503 from a WorkloadEntry whose Healthy condition is False', () => {
    const workloadEntries = [...ENTRIES.slice(0, 2), entry('hello-vm-v2', '10.77.0.3', 'v2', false)];
    expect(simulate(tableWith(split(0, 100), { workloadEntries }), () => 0.5)).toMatchObject({ destinationServiceName: HOST, destinationVersion: 'v2', responseCode: 503 });
  });

  it('answers 503 for a passthrough: nothing listens at an address only the sidecar knows', () => {
    const table = tableWith({ kind: 'cluster', cluster: 'PassthroughCluster' });
    expect(simulate(table, () => 0.5)).toMatchObject({ destinationService: HOST, destinationServiceNamespace: 'demo', responseCode: 503 });
  });

  it('still names a Service of the same namespace by its FQDN', () => {
    const table = new RoutingTable(helloMesh({ services: [service('hello')], serviceEntries: [serviceEntry()] }));
    expect(table.serviceOf('hello.demo.svc.cluster.local', 'demo')).toEqual({ name: 'hello', namespace: 'demo' });
    expect(table.serviceOf(HOST, 'elsewhere')).toEqual({ name: HOST, namespace: 'demo' });
  });
});
