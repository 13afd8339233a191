import 'server-only';
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { hookTimeoutMs, type HookType, type ReleaseHook } from '@/lib/release/hooks-model';
import type { ReleaseObject } from '@/lib/release/model';

/** What a hook answered: ok for 2xx; status 0 when it could not be reached, timed out, or its secret is missing. */
export interface HookAnswer {
  ok: boolean;
  status: number;
  error?: string;
}

export interface HookTarget {
  url: string;
  timeout?: string;
  retries?: number;
  secretHeader?: ReleaseHook['secretHeader'];
}

/**
 * The value of a hook's secret header, read from the Secret in the Release's namespace with the controller's own
 * credentials. Never written anywhere: it goes into the request's headers and nowhere else.
 */
async function secretValue(kubeConfig: KubeConfig, namespace: string, ref: NonNullable<HookTarget['secretHeader']>['secretRef']): Promise<string> {
  try {
    const secret = await kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name: ref.name, namespace });
    const encoded = secret.data?.[ref.key];
    if (encoded === undefined) throw new Error(`Secret ${namespace}/${ref.name} has no key ${ref.key}`);
    return Buffer.from(encoded, 'base64').toString('utf8');
  } catch (error) {
    if (error instanceof ApiException) throw new Error(`Secret ${namespace}/${ref.name} could not be read (HTTP ${error.code})`);
    throw error;
  }
}

/**
 * POSTs a JSON body to a hook: each attempt within the hook's timeout, up to `retries` more attempts when it
 * cannot be reached or answers 5xx / 429. Redirects are not followed (a secret header must not go elsewhere).
 */
export async function callHook(kubeConfig: KubeConfig, namespace: string, target: HookTarget, body: unknown, headers: Record<string, string> = {}): Promise<HookAnswer> {
  const sent: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'weir-controller', ...headers };
  if (target.secretHeader) {
    try {
      sent[target.secretHeader.header] = await secretValue(kubeConfig, namespace, target.secretHeader.secretRef);
    } catch (error) {
      return { ok: false, status: 0, error: (error as Error).message };
    }
  }
  const attempts = 1 + (target.retries ?? 0);
  let answer: HookAnswer = { ok: false, status: 0, error: 'not called' };
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      const response = await fetch(target.url, { method: 'POST', headers: sent, body: JSON.stringify(body), redirect: 'manual', signal: AbortSignal.timeout(hookTimeoutMs(target)) });
      await response.body?.cancel();
      answer = { ok: response.status >= 200 && response.status < 300, status: response.status };
      if (answer.ok || (response.status < 500 && response.status !== 429)) return answer;
    } catch (error) {
      const name = (error as Error).name;
      answer = { ok: false, status: 0, error: name === 'TimeoutError' ? `no answer within ${target.timeout ?? '5s'}` : ((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message) };
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
  return answer;
}

/** The body a hook gets, shaped as Flagger's: the release's name, namespace and phase, and the hook's metadata. */
export function hookPayload(release: ReleaseObject, type: HookType, metadata: Record<string, string> = {}) {
  return {
    name: release.spec?.service ?? release.metadata?.name,
    namespace: release.metadata?.namespace,
    phase: release.status?.phase,
    type,
    checksum: release.status?.run?.id,
    metadata: { stableVersion: release.spec?.stableVersion ?? '', grayVersion: release.spec?.grayVersion ?? '', ...metadata },
  };
}

/** The first of the release's hooks of these types that does not answer 2xx, with its answer; undefined when all do. */
export async function firstFailing(kubeConfig: KubeConfig, release: ReleaseObject, types: readonly HookType[]): Promise<{ hook: ReleaseHook; answer: HookAnswer } | undefined> {
  const namespace = release.metadata!.namespace!;
  for (const type of types) {
    for (const hook of release.spec?.hooks?.filter((item) => item.type === type) ?? []) {
      const answer = await callHook(kubeConfig, namespace, hook, hookPayload(release, type, hook.metadata));
      if (!answer.ok) return { hook, answer };
    }
  }
  return undefined;
}

/** The first rollback hook that answers 2xx: it asks for the release to be rolled back. */
export async function rollbackAsked(kubeConfig: KubeConfig, release: ReleaseObject): Promise<ReleaseHook | undefined> {
  const namespace = release.metadata!.namespace!;
  for (const hook of release.spec?.hooks?.filter((item) => item.type === 'rollback') ?? []) {
    if ((await callHook(kubeConfig, namespace, hook, hookPayload(release, 'rollback', hook.metadata))).ok) return hook;
  }
  return undefined;
}

/** A hook's answer in the history's words. */
export function describeAnswer(answer: HookAnswer): string {
  return answer.status === 0 ? `no answer (${answer.error ?? 'unreachable'})` : `HTTP ${answer.status}`;
}
