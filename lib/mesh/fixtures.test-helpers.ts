/* Builders for planner tests: real sample objects (Istio's, Gateway API's, OSM's) plus Deployments with ready replicas. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { SHARED_DIR } from '../../dev/sandbox/sandbox.ts';
import { kindOfObject, planIntent, readService, watchedKinds, type ServiceState } from './registry';
import { snapshotOf, type NamespaceSnapshot } from './snapshot';
import type { Intent } from './intents';
import type { Plan, PlanStep } from './types';

export const SAMPLES = resolve(SHARED_DIR, 'fixtures/istio-samples');

/** Objects of a YAML text, in `namespace`, with a resourceVersion and uid as the API server would give them. */
export function yamlObjects(text: string, namespace = 'default'): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => Boolean(object?.kind))
    .map((object, index) => ({
      ...object,
      metadata: { ...object.metadata, namespace, resourceVersion: '1', uid: `${object.kind}-${object.metadata?.name}`, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, index)) },
    }));
}

export function sampleObjects(file: string, namespace = 'default'): KubernetesObject[] {
  return yamlObjects(readFileSync(resolve(SAMPLES, file), 'utf8'), namespace);
}

export function deployment(service: string, version: string, ready: number, namespace = 'default', image = `${service}:${version}`): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${service}-${version}`, namespace, labels: { app: service, version }, resourceVersion: '1' },
    spec: {
      replicas: Math.max(ready, 1),
      selector: { matchLabels: { app: service, version } },
      template: { metadata: { labels: { app: service, version } }, spec: { containers: [{ name: service, image }] } },
    },
    status: { readyReplicas: ready },
  };
}

/** A Service selecting `app: <name>` (plus `version` for a version Service). */
export function serviceObject(name: string, namespace = 'default', selector: Record<string, string> = { app: name }, port = 9080): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, resourceVersion: '1' }, spec: { selector, ports: [{ port, name: 'http' }] } };
}

/**
 * A namespace snapshot holding every watched kind, the given objects of `namespace` sorted into them; objects
 * of other namespaces are what the snapshot knows of the rest of the cluster (`elsewhere`).
 */
export function snapshotFrom(objects: KubernetesObject[], namespace = 'default'): NamespaceSnapshot {
  const here = objects.filter((object) => (object.metadata?.namespace ?? namespace) === namespace);
  const everywhere = new Map(watchedKinds().map((info) => [info.key, objects.filter((object) => kindOfObject(object)?.key === info.key)] as const));
  return snapshotOf(
    'sandbox',
    namespace,
    watchedKinds()
      .filter((info) => info.namespaced)
      .map((info) => ({ info, items: here.filter((object) => kindOfObject(object)?.key === info.key) })),
    everywhere,
  );
}

/** One service of a set of objects, as the registry reads it. */
export function stateOf(objects: KubernetesObject[], service: string, namespace = 'default'): ServiceState {
  return readService(snapshotFrom(objects, namespace), service);
}

export function plan(state: ServiceState, intent: Intent): Plan {
  return planIntent(state, intent);
}

/** The object a plan replaces of a kind (the first one), or a failure naming the kind. */
export function replaced<T>(steps: PlanStep[], kind: string): T {
  const step = steps.find((s) => s.action === 'replace' && s.object.kind === kind);
  if (!step || step.action !== 'replace') throw new Error(`no replace of ${kind}`);
  return step.object as T;
}

/** The error a planner throws, or a failure when it does not. */
export function rejection<E extends Error>(work: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    work();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error('expected the planner to refuse');
}

/** reviews in default as the Bookinfo samples define it: three versions, the given VirtualService sample. */
export function reviewsObjects(vsFile: string, ready: Record<string, number> = { v1: 1, v2: 1, v3: 1 }): KubernetesObject[] {
  const routing = [...sampleObjects('destination-rule-all.yaml'), ...sampleObjects(vsFile)].filter((o) => o.metadata?.name === 'reviews');
  return [serviceObject('reviews'), ...routing, ...Object.entries(ready).map(([version, count]) => deployment('reviews', version, count))];
}
