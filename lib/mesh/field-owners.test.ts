import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { fieldOwners, toolOfManager } from './field-owners';

const route = (weights: [string, number][]) => weights.map(([subset, weight]) => ({ destination: { host: 'reviews', subset }, weight }));

function virtualService(managedFields: unknown[], labels: Record<string, string> = {}): KubernetesObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews', namespace: 'default', labels, resourceVersion: '1', managedFields: managedFields as never },
    spec: { hosts: ['reviews'], http: [{ route: route([['v1', 90], ['v2', 10]]) }] },
  } as KubernetesObject;
}

function withWeights(object: KubernetesObject, weights: [string, number][]): KubernetesObject {
  const next = structuredClone(object) as KubernetesObject & { spec: { http: { route: unknown }[] } };
  next.spec.http[0]!.route = route(weights);
  next.metadata!.resourceVersion = '2';
  return next;
}

// What the API server records for a CRD list without a list type (atomic): the list is one leaf.
const ATOMIC_HTTP = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { '.': {}, 'f:hosts': {}, 'f:http': {} } };

describe('field owners from managedFields', () => {
  it('names the manager that owns the weights a change rewrites, with the changed fields', () => {
    const before = virtualService([{ manager: 'argocd-controller', operation: 'Apply', fieldsV1: ATOMIC_HTTP }]);
    expect(fieldOwners(before, withWeights(before, [['v1', 50], ['v2', 50]]))).toEqual([
      { tool: 'argocd', manager: 'argocd-controller', reverts: true, fields: ['spec.http[0].route[0].weight', 'spec.http[0].route[1].weight'] },
    ]);
  });

  it('leaves out managers whose fields the change does not touch, Weir itself and status writers', () => {
    const before = virtualService([
      { manager: 'kustomize-controller', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:hosts': {} } } },
      { manager: 'weir', operation: 'Update', fieldsV1: { 'f:spec': { 'f:http': {} } } },
      { manager: 'flagger', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': {} } },
    ]);
    expect(fieldOwners(before, withWeights(before, [['v1', 50], ['v2', 50]]))).toEqual([]);
  });

  it('follows keyed list elements (k:) to the element the change edits', () => {
    const keyed = {
      'f:spec': { 'f:http': { 'k:{"name":"primary"}': { 'f:route': {} }, 'k:{"name":"other"}': { 'f:timeout': {} } } },
    };
    const before = virtualService([{ manager: 'flagger', operation: 'Update', fieldsV1: keyed }]);
    (before as { spec: { http: { name?: string }[] } }).spec.http[0]!.name = 'primary';
    const owners = fieldOwners(before, withWeights(before, [['v1', 0], ['v2', 100]]));
    expect(owners.map(({ tool, fields }) => [tool, fields])).toEqual([['flagger', ['spec.http[0].route[0].weight', 'spec.http[0].route[1].weight']]]);
    (before as { spec: { http: { name?: string }[] } }).spec.http[0]!.name = 'other';
    expect(fieldOwners(before, withWeights(before, [['v1', 0], ['v2', 100]]))).toEqual([]);
  });

  it('takes kubectl client-side apply fields as the GitOps tool whose labels the object carries', () => {
    const before = virtualService([{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: ATOMIC_HTTP }], { 'argocd.argoproj.io/instance': 'shop' });
    expect(fieldOwners(before, withWeights(before, [['v1', 0], ['v2', 100]])).map(({ tool, reverts }) => [tool, reverts])).toEqual([['argocd', true]]);
    const plain = virtualService([{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsV1: ATOMIC_HTTP }]);
    expect(fieldOwners(plain, withWeights(plain, [['v1', 0], ['v2', 100]])).map(({ tool, reverts }) => [tool, reverts])).toEqual([['kubectl', false]]);
  });

  it('does not take a map whose existence alone a manager set ({".": {}}) as owning what goes in it', () => {
    const before = virtualService([{ manager: 'argocd-controller', operation: 'Apply', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } }]);
    const after = structuredClone(before);
    after.metadata!.labels = { 'weir.dev/touched': 'yes' };
    expect(fieldOwners(before, after)).toEqual([]);
  });

  it('counts a delete as undone by every manager of the object', () => {
    const before = virtualService([{ manager: 'helm-controller', operation: 'Apply', fieldsV1: ATOMIC_HTTP }]);
    expect(fieldOwners(before, undefined)).toEqual([{ tool: 'flux', manager: 'helm-controller', reverts: true, fields: [] }]);
  });

  it('knows the managers of the tools it names', () => {
    expect(
      ['argocd-application-controller', 'kustomize-controller', 'flagger', 'argo-rollouts', 'vela-core', 'kubevela', 'helm', 'kubectl-edit', 'kubectl', 'weir', 'manager'].map(toolOfManager),
    ).toEqual(['argocd', 'flux', 'flagger', 'rollouts', 'kubevela', 'kubevela', 'helm', 'kubectl', 'kubectl', 'weir', 'other']);
  });
});
