import { describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import { adminApi, bookinfoNamespace, resourceVersions, sample } from '../../test/sandbox-client.ts';
import type { VirtualService } from '@/lib/providers/istio/types';
import type { ReleaseObject } from '@/lib/release/model';

/*
 * Mirroring a share of the requests to a gray version (its answers dropped), as a reviewed change on the real API
 * server: the VirtualService's managed route gets Istio's `mirror` + `mirrorPercentage`, every other field kept; a stale
 * split is a conflict; an API that cannot mirror (SMI) refuses by field and changes nothing.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const alice = consoleApi(await signIn('alice'));
const api = adminApi(sandbox);
const NAMESPACE = 'mirror';

const readVs = () => api.read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: NAMESPACE } });

describe(`mirroring against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('mirrors 50% of the requests to v3, keeping the weights and the route\'s other fields, then stops, with both in the history', async () => {
    await bookinfoNamespace(sandbox, NAMESPACE);
    await kubectl(sandbox, ['apply', '-n', NAMESPACE, '-f', sample('virtual-service-reviews-80-20.yaml')]);
    const vs = await readVs();
    await api.replace({ ...vs, spec: { ...vs.spec, http: [{ ...vs.spec!.http![0]!, timeout: '3s', retries: { attempts: 2 } }] } });
    const before = await alice.settledView(NAMESPACE, 'reviews', (v) => v.versions.find((version) => version.name === 'v1')?.weight === 80 && v.routes[0]?.extras.includes('timeout') === true);
    const original = (await readVs()).spec!.http![0]!;

    const mirrored = await alice.post(NAMESPACE, 'reviews', { mode: 'apply', intent: { type: 'set-mirror', expected: before.splitEtag, version: 'v3', percent: 50 } });
    expect(mirrored.status, JSON.stringify(mirrored.body)).toBe(200);
    expect((await readVs()).spec!.http![0]).toEqual({ ...original, mirror: { host: 'reviews', subset: 'v3' }, mirrorPercentage: { value: 50 } });
    const view = await alice.settledView(NAMESPACE, 'reviews', (v) => v.mirror !== undefined);
    expect(view.mirror).toEqual({ version: 'v3', percent: 50 });

    // The split seen before the mirror is stale now: a change made from it is a conflict, not an overwrite.
    const stale = await alice.post(NAMESPACE, 'reviews', { mode: 'apply', intent: { type: 'set-mirror', expected: before.splitEtag, version: null } });
    expect(stale.status).toBe(409);

    const stopped = await alice.post(NAMESPACE, 'reviews', { mode: 'apply', intent: { type: 'set-mirror', expected: view.splitEtag, version: null } });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect((await readVs()).spec!.http![0]).toEqual(original);
    const release = await api.read<ReleaseObject>({ apiVersion: 'weir.dev/v1alpha1', kind: 'Release', metadata: { name: 'reviews', namespace: NAMESPACE } } as never);
    expect(release.status?.history?.slice(-2).map((entry) => entry.action)).toEqual(['set-mirror', 'set-mirror']);
  });

  it('refuses mirroring on SMI (which cannot express it), naming the field, and changes nothing', async () => {
    const namespace = 'my-website';
    const view = await alice.settledView(namespace, 'my-website', (v) => v.routed);
    expect(view.capabilities.mirror.supported).toBe(false);
    const before = await resourceVersions(sandbox, namespace);
    const refused = await alice.post(namespace, 'my-website', { mode: 'apply', intent: { type: 'set-mirror', expected: view.splitEtag, version: view.versions[1]!.name } });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ field: 'intent.version', code: 'field.mirrorUnsupported' })]);
    expect(await resourceVersions(sandbox, namespace)).toEqual(before);
  });
});
