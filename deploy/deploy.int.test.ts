/**
 * The kustomize base (deploy/kustomization.yaml): rendered with the sandbox's kubectl, checked object by object,
 * and applied to the sandbox's real API server (server-side, dry run: the server validates and admits every
 * object without the sandbox's own console objects changing), as is and through an overlay with a real key.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kubectl, REPO_ROOT } from '../dev/sandbox/sandbox.ts';

const sandbox = inject('sandbox');
const BASE = join(REPO_ROOT, 'deploy');

interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: any;
}

async function render(dir: string): Promise<Rendered[]> {
  const yaml = await kubectl(sandbox, ['kustomize', dir]);
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as Rendered);
}

function find(objects: Rendered[], kind: string, name?: string): Rendered {
  const found = objects.filter((object) => object.kind === kind && (name === undefined || object.metadata.name === name));
  expect(found.map((object) => `${object.kind}/${object.metadata.name}`), `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!;
}

function consoleEnv(objects: Rendered[]): Record<string, any> {
  const deployment = find(objects, 'Deployment', 'weir-console');
  const container = deployment.spec.template.spec.containers[0];
  return Object.fromEntries((container.env as { name: string; value?: string; valueFrom?: unknown }[]).map((entry) => [entry.name, entry.value ?? entry.valueFrom]));
}

/** An overlay in a folder of its own that replaces the base's placeholder key, as README shows. */
function overlay(secret: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-overlay-'));
  writeFileSync(join(dir, 'session.env'), `WEIR_SESSION_SECRET=${secret}\n`);
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `resources: [${relative(dir, BASE)}]\nsecretGenerator:\n  - { name: weir-console-session, namespace: weir-system, behavior: replace, envs: [session.env] }\n`,
  );
  return dir;
}

describe(`the kustomize base, rendered and applied to kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('renders the CRD, the RBAC, the console with 2 replicas sharing sessions, its Service and its Secret', async () => {
    const objects = await render(BASE);
    expect(find(objects, 'CustomResourceDefinition').metadata.name).toBe('releases.weir.dev');
    for (const role of ['weir-viewer', 'weir-operator', 'weir-team-lead', 'weir-console', 'weir-console-impersonate']) find(objects, 'ClusterRole', role);
    find(objects, 'Namespace', 'weir-system');
    expect(find(objects, 'ServiceAccount', 'weir-console').metadata.namespace).toBe('weir-system');
    const sessions = find(objects, 'Role', 'weir-console-sessions');
    expect(sessions.metadata.namespace).toBe('weir-system');
    expect(sessions.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'patch', 'delete'] }]);
    expect(find(objects, 'RoleBinding', 'weir-console-sessions').subjects).toEqual([{ kind: 'ServiceAccount', name: 'weir-console', namespace: 'weir-system' }]);
    // The sandbox's own people are not part of an install.
    expect(objects.filter((object) => object.kind === 'ClusterRoleBinding').map((object) => object.metadata.name).sort()).toEqual(['weir-console', 'weir-console-impersonate']);

    const deployment = find(objects, 'Deployment', 'weir-console');
    expect(deployment.spec.replicas).toBe(2);
    const secret = find(objects, 'Secret');
    expect(secret.metadata).toMatchObject({ namespace: 'weir-system', name: expect.stringMatching(/^weir-console-session-[a-z0-9]+$/) });
    const env = consoleEnv(objects);
    expect(env.WEIR_SESSION_STORE).toBe('cluster');
    // kustomize points the Deployment at the generated Secret (its name carries a hash of the key).
    expect(env.WEIR_SESSION_SECRET).toEqual({ secretKeyRef: { name: secret.metadata.name, key: 'WEIR_SESSION_SECRET' } });
    expect(Buffer.from(secret.data.WEIR_SESSION_SECRET, 'base64').toString()).toMatch(/^replace-me/);
    expect(find(objects, 'Service', 'weir-console').spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  it('an overlay replaces the placeholder key, and the Deployment follows the new Secret', async () => {
    const key = 'a'.repeat(16) + 'overlay-key-0123456789';
    const [base, replaced] = await Promise.all([render(BASE), render(overlay(key))]);
    const secret = find(replaced, 'Secret');
    expect(Buffer.from(secret.data.WEIR_SESSION_SECRET, 'base64').toString()).toBe(key);
    expect(secret.metadata.name).not.toBe(find(base, 'Secret').metadata.name);
    expect(consoleEnv(replaced).WEIR_SESSION_SECRET).toEqual({ secretKeyRef: { name: secret.metadata.name, key: 'WEIR_SESSION_SECRET' } });
  });

  it('the API server admits every object of the base and of the overlay (server-side apply, dry run)', async () => {
    for (const dir of [BASE, overlay('b'.repeat(40))]) {
      const rendered = await render(dir);
      const applied = await kubectl(sandbox, ['apply', '-k', dir, '--server-side', '--force-conflicts', '--field-manager=weir-deploy-test', '--dry-run=server', '-o', 'name']);
      const names = applied.trim().split('\n').sort();
      expect(names).toHaveLength(rendered.length);
      expect(names).toEqual(expect.arrayContaining(['deployment.apps/weir-console', 'customresourcedefinition.apiextensions.k8s.io/releases.weir.dev', 'role.rbac.authorization.k8s.io/weir-console-sessions']));
    }
  });
});
