/**
 * Random mesh objects for property tests: Services (whole and per version), Deployments, DestinationRules,
 * VirtualServices (short, FQDN and wildcard hosts, exportTo, gateways), WorkloadEntries, HTTPRoutes and
 * TrafficSplits, in a few namespaces, named from small pools so that updates and deletes hit existing objects.
 * Seeded, so a failing sequence replays from its seed.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { CORE_KINDS, apiVersionOf, type KindInfo } from '../lib/k8s/kinds.ts';
import { HTTP_ROUTES } from '../lib/providers/gateway-api/kinds.ts';
import { DESTINATION_RULES, VIRTUAL_SERVICES, WORKLOAD_ENTRIES } from '../lib/providers/istio/kinds.ts';
import { TRAFFIC_SPLITS } from '../lib/providers/smi/kinds.ts';

/** A small seeded generator (mulberry32). */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max: number) => Math.floor(next() * max),
    pick: <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
export type Random = ReturnType<typeof random>;

const APPS = ['web', 'api', 'db'];
const VERSIONS = ['v1', 'v2', 'v3'];

function meta(namespace: string, name: string, extra: Record<string, unknown> = {}) {
  return { name, namespace, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, name.length)), ...extra };
}

/** A host as people write them: short, `name.namespace`, FQDN of another namespace, or now and then a wildcard. */
function host(r: Random, app: string, namespace: string, namespaces: readonly string[]): string {
  const roll = r.int(10);
  if (roll < 5) return app;
  if (roll < 7) return `${app}.${r.pick(namespaces)}.svc.cluster.local`;
  if (roll < 9) return `${app}.${namespace}`;
  return r.pick(['*', `*.${r.pick(namespaces)}.svc.cluster.local`]);
}

function weights(r: Random, count: number): number[] {
  const first = r.int(101);
  return count === 1 ? [100] : [first, 100 - first, ...Array.from({ length: count - 2 }, () => 0)];
}

export interface Maker {
  info: KindInfo;
  make: (r: Random, namespace: string) => KubernetesObject;
}

/** One maker per kind: a random object of that kind in a namespace, naming hosts of `namespaces`. */
export function makers(namespaces: readonly string[]): Maker[] {
  return [
  {
    info: CORE_KINDS.services,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const version = r.chance(0.3) ? r.pick(VERSIONS) : undefined;
      const name = version ? `${app}-${version}` : app;
      const selector = r.chance(0.1) ? undefined : { app, ...(version ? { version } : {}) };
      return { apiVersion: 'v1', kind: 'Service', metadata: meta(namespace, name, { labels: r.chance(0.3) ? { touch: String(r.int(5)) } : undefined }), spec: { selector, ports: [{ port: 80 }] } } as KubernetesObject;
    },
  },
  {
    info: CORE_KINDS.deployments,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const version = r.pick(VERSIONS);
      const replicas = r.int(3);
      const labels = r.chance(0.85) ? { app, version } : { app };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: meta(namespace, `${app}-${version}`),
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: app, image: `${app}:${version}` }] } } },
        status: { replicas, readyReplicas: r.int(replicas + 1), availableReplicas: r.int(replicas + 1), observedGeneration: 1 },
      } as KubernetesObject;
    },
  },
  {
    info: DESTINATION_RULES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const subsets = VERSIONS.filter(() => r.chance(0.7)).map((name) => ({ name, labels: { version: name } }));
      return { apiVersion: apiVersionOf(DESTINATION_RULES), kind: 'DestinationRule', metadata: meta(namespace, app), spec: { host: r.chance(0.8) ? app : host(r, app, namespace, namespaces), subsets } } as KubernetesObject;
    },
  },
  {
    info: VIRTUAL_SERVICES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const name = r.chance(0.7) ? app : `${app}-${r.pick(['team', 'edge'])}`;
      const hosts = r.chance(0.85) ? [host(r, app, namespace, namespaces)] : [host(r, app, namespace, namespaces), host(r, r.pick(APPS), namespace, namespaces)];
      const versions = VERSIONS.filter(() => r.chance(0.6));
      const split = weights(r, Math.max(versions.length, 1));
      const route = (versions.length ? versions : ['v1']).map((subset, index) => ({ destination: { host: hosts[0], subset }, weight: split[index] }));
      const http = [
        ...(r.chance(0.3) ? [{ match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host: hosts[0], subset: r.pick(VERSIONS) } }] }] : []),
        { route },
      ];
      const spec: Record<string, unknown> = { hosts, http };
      if (r.chance(0.2)) spec.exportTo = [r.pick(['.', '*', r.pick(namespaces)])];
      if (r.chance(0.1)) spec.gateways = [r.pick(['mesh', 'istio-system/ingress'])];
      return { apiVersion: apiVersionOf(VIRTUAL_SERVICES), kind: 'VirtualService', metadata: meta(namespace, name), spec } as KubernetesObject;
    },
  },
  {
    info: WORKLOAD_ENTRIES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const version = r.pick(VERSIONS);
      return { apiVersion: apiVersionOf(WORKLOAD_ENTRIES), kind: 'WorkloadEntry', metadata: meta(namespace, `${app}-${version}-vm`), spec: { address: '10.0.0.1', labels: { app, version } } } as KubernetesObject;
    },
  },
  {
    info: HTTP_ROUTES,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const versions = VERSIONS.filter(() => r.chance(0.6));
      const split = weights(r, Math.max(versions.length, 1));
      const parentRefs = r.chance(0.8) ? [{ group: '', kind: 'Service', name: app, port: 80 }] : [{ name: 'gateway', namespace: 'istio-system' }];
      return {
        apiVersion: apiVersionOf(HTTP_ROUTES),
        kind: 'HTTPRoute',
        metadata: meta(namespace, app),
        spec: { parentRefs, rules: [{ backendRefs: (versions.length ? versions : ['v1']).map((version, index) => ({ name: `${app}-${version}`, port: 80, weight: split[index] })) }] },
      } as KubernetesObject;
    },
  },
  {
    info: TRAFFIC_SPLITS,
    make: (r, namespace) => {
      const app = r.pick(APPS);
      const versions = VERSIONS.filter(() => r.chance(0.6));
      const split = weights(r, Math.max(versions.length, 1));
      return {
        apiVersion: apiVersionOf(TRAFFIC_SPLITS),
        kind: 'TrafficSplit',
        metadata: meta(namespace, app),
        spec: { service: app, backends: (versions.length ? versions : ['v1']).map((version, index) => ({ service: `${app}-${version}`, weight: split[index] })) },
      } as KubernetesObject;
    },
  },
];
}


/** A random change: mostly a create or an update, sometimes (a quarter) a delete of an existing object of the kind. */
export function randomChange(r: Random, kinds: Maker[], namespaces: readonly string[], existing: (info: KindInfo) => KubernetesObject[]): { info: KindInfo; object: KubernetesObject; deleted: boolean } {
  const { info, make } = r.pick(kinds);
  const present = existing(info);
  if (present.length > 0 && r.chance(0.25)) return { info, object: r.pick(present), deleted: true };
  return { info, object: make(r, r.pick(namespaces)), deleted: false };
}

