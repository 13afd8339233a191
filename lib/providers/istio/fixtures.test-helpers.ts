/* Builders of ServiceObjects for planner tests: real Istio sample objects plus Deployments with ready replicas. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { SHARED_DIR } from '../../../dev/sandbox/sandbox.ts';
import type { ServiceObjects } from './read';
import type { DestinationRule, VirtualService } from './types';

export const SAMPLES = resolve(SHARED_DIR, 'fixtures/istio-samples');

export function sampleObjects(file: string, namespace = 'default'): KubernetesObject[] {
  return parseAllDocuments(readFileSync(resolve(SAMPLES, file), 'utf8'))
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => Boolean(object?.kind))
    .map((object) => ({ ...object, metadata: { ...object.metadata, namespace, resourceVersion: '1', uid: `${object.kind}-${object.metadata?.name}` } }));
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

export function serviceObject(name: string, namespace = 'default'): V1Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 9080 }] } };
}

/** reviews in default as the Bookinfo samples define it: three versions, the given VirtualService sample. */
export function reviewsObjects(vsFile: string, ready: Record<string, number> = { v1: 1, v2: 1, v3: 1 }): ServiceObjects {
  const all = [...sampleObjects('destination-rule-all.yaml'), ...sampleObjects(vsFile)].filter((o) => o.metadata?.name === 'reviews');
  return {
    cluster: 'sandbox',
    namespace: 'default',
    serviceName: 'reviews',
    service: serviceObject('reviews'),
    virtualServices: all.filter((o) => o.kind === 'VirtualService') as VirtualService[],
    destinationRules: all.filter((o) => o.kind === 'DestinationRule') as DestinationRule[],
    deployments: Object.entries(ready).map(([version, count]) => deployment('reviews', version, count)),
    workloadEntries: [],
    pods: [],
  };
}
