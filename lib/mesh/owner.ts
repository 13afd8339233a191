import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectOwner } from './types';

/** OAM runtimes (KubeVela, Crossplane's OAM) own the objects their traits render and put them back on change. */
const OAM_GROUP = 'core.oam.dev';

/**
 * The controller that owns a routing object, from its ownerReferences: the one marked `controller`, or any OAM
 * owner (a trait of an application). Such an owner reconciles the object, so a direct edit will be reverted.
 */
export function ownerOf(object: KubernetesObject | undefined): ObjectOwner | undefined {
  const references = object?.metadata?.ownerReferences ?? [];
  const owner = references.find((reference) => reference.controller) ?? references.find((reference) => reference.apiVersion.split('/')[0] === OAM_GROUP);
  return owner && { kind: owner.kind, name: owner.name, apiVersion: owner.apiVersion, owns: `${object?.kind ?? ''} ${object?.metadata?.name ?? ''}`.trim() };
}

/** Whether an owner is an OAM application runtime (the OSM + OAM set-up), for the wording of the warning. */
export function isOamOwner(owner: ObjectOwner): boolean {
  return owner.apiVersion.split('/')[0] === OAM_GROUP;
}
