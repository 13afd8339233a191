import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../test/console-api.ts';
import { signIn } from '../../test/console-session.ts';
import { adminApi, bookinfoNamespace, resourceVersions, sample } from '../../test/sandbox-client.ts';
import type { ReleaseObject } from '@/lib/release/model';

/*
 * Issue 13 item 5: after a rollback left the gray version at 0 pods, a fixed image and its pods come back as one
 * reviewed change (update-version), against the real API server; a version that gets traffic is refused.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const alice = consoleApi(await signIn('alice'));
const api = adminApi(sandbox);
const NAMESPACE = 'update-version';
const FIXED = 'docker.io/istio/examples-bookinfo-reviews-v3:1.20.4';

const deployment = (name: string) => api.read<V1Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: NAMESPACE } });

describe(`a fixed image for a rolled-back version, against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('puts the new image on the version\'s Deployment and its pods back in one change, keeping the rest, and records it', async () => {
    await bookinfoNamespace(sandbox, NAMESPACE);
    await kubectl(sandbox, ['apply', '-n', NAMESPACE, '-f', sample('virtual-service-all-v1.yaml')]);
    await kubectl(sandbox, ['scale', '-n', NAMESPACE, 'deployment/reviews-v3', '--replicas=0']);
    const before = await deployment('reviews-v3');
    const view = await alice.settledView(NAMESPACE, 'reviews', (v) => v.versions.find((version) => version.name === 'v3')?.desired === 0);

    const preview = await alice.post(NAMESPACE, 'reviews', { mode: 'preview', intent: { type: 'update-version', expected: view.splitEtag, version: 'v3', image: FIXED, replicas: 2 } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    // Reviewed first: one replace of the Deployment, which the API server's dry run accepts.
    expect(preview.body.outcomes).toEqual([expect.objectContaining({ action: 'replace', kind: 'Deployment', name: 'reviews-v3', status: 'dry-run' })]);
    expect(preview.body.steps[0].diff).toContain(FIXED);
    expect((await deployment('reviews-v3')).metadata?.generation).toBe(before.metadata?.generation);

    const applied = await alice.post(NAMESPACE, 'reviews', { mode: 'apply', intent: { type: 'update-version', expected: view.splitEtag, version: 'v3', image: FIXED, replicas: 2 } });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const after = await deployment('reviews-v3');
    expect(after.spec?.replicas).toBe(2);
    expect(after.spec?.template.spec?.containers[0]?.image).toBe(FIXED);
    // Everything else of the container and the template is as it was.
    const { image: _before, ...restBefore } = before.spec!.template.spec!.containers[0]!;
    const { image: _after, ...restAfter } = after.spec!.template.spec!.containers[0]!;
    expect(restAfter).toEqual(restBefore);
    expect(after.spec?.template.metadata).toEqual(before.spec?.template.metadata);
    const release = await api.read<ReleaseObject>({ apiVersion: 'weir.dev/v1alpha1', kind: 'Release', metadata: { name: 'reviews', namespace: NAMESPACE } } as never);
    expect(release.status?.history?.at(-1)).toMatchObject({ user: 'alice', action: 'update-version' });
  });

  it('refuses a version that gets traffic, the same image and pods again, and bad input, changing nothing', async () => {
    const view = await alice.settledView(NAMESPACE, 'reviews', (v) => v.versions.find((version) => version.name === 'v3')?.workloads[0]?.image === FIXED);
    const before = await resourceVersions(sandbox, NAMESPACE);
    // Generations: a spec change moves them, the Deployment controller's status writes do not.
    const deployments = JSON.stringify(await Promise.all(['reviews-v1', 'reviews-v3'].map(async (name) => (await deployment(name)).metadata?.generation)));
    const cases: [string, Record<string, unknown>, number, string | undefined][] = [
      ['the version with all the traffic', { version: 'v1', image: FIXED, replicas: 1 }, 409, undefined],
      ['the image and pods it already has', { version: 'v3', image: FIXED, replicas: 2 }, 422, 'intent.image'],
      ['no pods', { version: 'v3', image: FIXED, replicas: 0 }, 400, 'intent.replicas'],
      ['an image with a space', { version: 'v3', image: 'reviews v4', replicas: 1 }, 400, 'intent.image'],
      ['a version that does not exist', { version: 'v9', image: FIXED, replicas: 1 }, 422, 'intent.version'],
    ];
    for (const [what, fields, status, field] of cases) {
      const result = await alice.post(NAMESPACE, 'reviews', { mode: 'apply', intent: { type: 'update-version', expected: view.splitEtag, ...fields } });
      expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBe(status);
      if (field) expect(result.body.error.fields?.map((f: { field: string }) => f.field), what).toContain(field);
      else expect(result.body.error.message, what).toContain('receives traffic');
    }
    expect(await resourceVersions(sandbox, NAMESPACE)).toEqual(before);
    expect(JSON.stringify(await Promise.all(['reviews-v1', 'reviews-v3'].map(async (name) => (await deployment(name)).metadata?.generation)))).toBe(deployments);
  });
});
