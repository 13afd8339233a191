import 'server-only';
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { CORE_KINDS, apiVersionOf } from '@/lib/k8s/kinds';
import type { ReleaseObject, ReleaseSpec, ReleaseStatus } from './model';
import { objectApi } from '@/lib/k8s/object-api';

const GROUP = { group: CORE_KINDS.releases.group, version: CORE_KINDS.releases.version, plural: CORE_KINDS.releases.plural };

/** A status write lost to a concurrent one, where re-applying would act on a state nobody decided on. */
export class StatusConflict extends Error {
  constructor(readonly release: string) {
    super(`Release ${release} changed while it was being updated`);
    this.name = 'StatusConflict';
  }
}

export function releaseRef(namespace: string, name: string): ReleaseObject {
  return { apiVersion: apiVersionOf(CORE_KINDS.releases), kind: CORE_KINDS.releases.kind, metadata: { name, namespace } };
}

function isCode(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}

/** The Release named after a service, or undefined when it does not exist yet. */
export async function readReleaseObject(identity: KubeConfig, namespace: string, name: string): Promise<ReleaseObject | undefined> {
  try {
    return await objectApi(identity).read<ReleaseObject & { metadata: { name: string } }>(releaseRef(namespace, name) as never);
  } catch (error) {
    if (isCode(error, 404)) return undefined;
    throw error;
  }
}

/** Reads the service's Release, creating a manual one when there is none (two creators racing both succeed). */
export async function readOrCreateRelease(identity: KubeConfig, namespace: string, service: string): Promise<ReleaseObject> {
  const existing = await readReleaseObject(identity, namespace, service);
  if (existing) return existing;
  const api = objectApi(identity);
  const ref = releaseRef(namespace, service);
  try {
    return await api.create({
      ...ref,
      metadata: { ...ref.metadata, labels: { 'app.kubernetes.io/managed-by': 'weir' } },
      spec: { service, strategy: 'manual' } satisfies ReleaseSpec,
    } as never);
  } catch (error) {
    if (isCode(error, 409)) return (await readReleaseObject(identity, namespace, service))!;
    throw error;
  }
}

/** Every Release in the cluster, read from the API server (the controller's view; pages use the watch cache). */
export async function listReleaseObjects(identity: KubeConfig): Promise<ReleaseObject[]> {
  const list = (await identity.makeApiClient(CustomObjectsApi).listClusterCustomObject(GROUP)) as { items?: ReleaseObject[] };
  return list.items ?? [];
}

/**
 * Replaces a Release's status through the status subresource. The body carries the resourceVersion it was
 * computed from, so a concurrent writer makes this a 409 rather than a silent overwrite.
 */
export async function replaceStatus(identity: KubeConfig, release: ReleaseObject, status: ReleaseStatus): Promise<ReleaseObject> {
  const { namespace, name } = release.metadata as { namespace: string; name: string };
  try {
    return (await identity.makeApiClient(CustomObjectsApi).replaceNamespacedCustomObjectStatus({
      ...GROUP,
      namespace,
      name,
      body: { ...release, status },
    })) as ReleaseObject;
  } catch (error) {
    if (isCode(error, 409)) throw new StatusConflict(`${namespace}/${name}`);
    throw error;
  }
}

const ATTEMPTS = 5;

/**
 * Read-modify-write of a Release's status: `change` sees the newest object each attempt and returns the new
 * status, or undefined to leave it alone. A conflict re-reads and asks `change` again, so what it decides is
 * always based on what is stored; nothing another writer added is lost.
 */
export async function updateStatus(
  identity: KubeConfig,
  namespace: string,
  name: string,
  change: (release: ReleaseObject) => ReleaseStatus | undefined,
  options: { create?: boolean } = {},
): Promise<ReleaseObject | undefined> {
  for (let attempt = 1; ; attempt += 1) {
    const release = options.create ? await readOrCreateRelease(identity, namespace, name) : await readReleaseObject(identity, namespace, name);
    if (!release) return undefined;
    const status = change(release);
    if (!status) return release;
    try {
      return await replaceStatus(identity, release, status);
    } catch (error) {
      if (error instanceof StatusConflict && attempt < ATTEMPTS) continue;
      throw error;
    }
  }
}
