import type { KubernetesObject } from '@kubernetes/client-node';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';

/** An object as a person would commit it: no server-managed metadata, no status. */
export function cleanObject(object: KubernetesObject | undefined): KubernetesObject | undefined {
  if (!object) return undefined;
  const { status: _status, ...rest } = object as KubernetesObject & { status?: unknown };
  const metadata = { ...rest.metadata };
  for (const key of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'] as const) delete metadata[key];
  if (metadata.annotations) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _applied, ...annotations } = metadata.annotations;
    metadata.annotations = Object.keys(annotations).length ? annotations : undefined;
    if (!metadata.annotations) delete metadata.annotations;
  }
  return { ...rest, metadata };
}

/** YAML of an object as a person would commit it. */
export function objectYaml(object: KubernetesObject | undefined): string {
  const clean = cleanObject(object);
  return clean ? stringify(clean, { lineWidth: 0 }) : '';
}

/** A unified diff of two versions of an object's YAML. */
export function objectDiff(name: string, before: KubernetesObject | undefined, after: KubernetesObject | undefined): string {
  return createTwoFilesPatch(before ? name : '/dev/null', after ? name : '/dev/null', objectYaml(before), objectYaml(after), '', '', { context: 4 });
}
