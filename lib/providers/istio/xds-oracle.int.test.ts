import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../../test/console-api.ts';
import { signIn } from '../../../test/console-session.ts';
import { catchAllSubsets, SidecarView } from '../../../test/istiod-routes.ts';
import { sample } from '../../../test/sandbox-client.ts';
import type { ReleaseView } from '@/lib/mesh/types';

/*
 * Which VirtualService routes a host, held against istiod: for each case, Weir's view of reviews (the split it
 * shows and would edit) must be what istiod tells the sidecar of a pod in reviews' namespace.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const admin = consoleApi(await signIn('admin'));
const sessions: SidecarView[] = [];

afterAll(() => sessions.forEach((session) => session.close()));

/** A VirtualService for reviews of `target` (by FQDN) sending everything to one subset. */
function vs(name: string, subset: string, target: string, extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}}
spec:
  hosts: [reviews.${target}.svc.cluster.local]
${extra}  http:
  - route: [{destination: {host: reviews.${target}.svc.cluster.local, subset: ${subset}}}]
`;
}

async function applyIn(namespace: string, text: string): Promise<void> {
  const file = `${sandbox.dir}/oracle-${namespace}-${Date.now()}.yaml`;
  writeFileSync(file, text);
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', file]);
}

/** creationTimestamp has whole seconds: objects applied a second apart are ordered as applied. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_100));

async function bookinfo(namespace: string): Promise<void> {
  await kubectl(sandbox, ['create', 'namespace', namespace]);
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('bookinfo.yaml'), '-f', sample('destination-rule-all.yaml')]);
  await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
}

const shown = (view: ReleaseView) => Object.fromEntries(view.versions.filter((v) => v.weight > 0).map((v) => [v.name, v.weight]));

/** istiod's split for reviews of `namespace`, seen from a productpage pod there, once it is `expected` (or the timeout says otherwise). */
async function istiodSplit(namespace: string, expected: Record<string, number>): Promise<Record<string, number>> {
  const session = await SidecarView.open(sandbox, namespace, 'productpage');
  sessions.push(session);
  const fqdn = `reviews.${namespace}.svc.cluster.local`;
  const snapshot = await session.until((s) => JSON.stringify(catchAllSubsets(s, fqdn, 9080)) === JSON.stringify(expected)).catch(async () => session.until(() => true));
  return catchAllSubsets(snapshot, fqdn, 9080) ?? {};
}

describe(`Weir picks the VirtualService istiod picks (istiod ${sandbox.istiodVersion})`, () => {
  it('the oldest public one of any namespace, over a newer one of the service’s own', async () => {
    await bookinfo('oracle-a');
    await kubectl(sandbox, ['create', 'namespace', 'oracle-a-team']);
    await applyIn('oracle-a-team', vs('team', 'v3', 'oracle-a'));
    await nextSecond();
    await applyIn('oracle-a', vs('local', 'v2', 'oracle-a'));
    const view = await admin.settledView('oracle-a', 'reviews', (v) => v.validations.some((x) => x.code === 'multiple-routing-objects'));
    expect(shown(view)).toEqual({ v3: 100 });
    expect(await istiodSplit('oracle-a', shown(view))).toEqual(shown(view));
  });

  it('the service namespace’s private one before an older public one', async () => {
    await bookinfo('oracle-b');
    await kubectl(sandbox, ['create', 'namespace', 'oracle-b-team']);
    await applyIn('oracle-b-team', vs('team', 'v3', 'oracle-b'));
    await nextSecond();
    await applyIn('oracle-b', vs('local', 'v2', 'oracle-b', '  exportTo: ["."]\n'));
    const view = await admin.settledView('oracle-b', 'reviews', (v) => v.validations.some((x) => x.code === 'multiple-routing-objects'));
    expect(shown(view)).toEqual({ v2: 100 });
    expect(await istiodSplit('oracle-b', shown(view))).toEqual(shown(view));
  });

  it('one exported to the namespace by name before an older public one', async () => {
    await bookinfo('oracle-c');
    await kubectl(sandbox, ['create', 'namespace', 'oracle-c-team']);
    await applyIn('oracle-c-team', vs('public', 'v3', 'oracle-c'));
    await nextSecond();
    await applyIn('oracle-c-team', vs('named', 'v2', 'oracle-c', '  exportTo: ["oracle-c"]\n'));
    const view = await admin.settledView('oracle-c', 'reviews', (v) => v.validations.some((x) => x.code === 'multiple-routing-objects'));
    expect(shown(view)).toEqual({ v2: 100 });
    expect(await istiodSplit('oracle-c', shown(view))).toEqual(shown(view));
  });

  it('not one bound to a gateway only, nor one exported to other namespaces only', async () => {
    await bookinfo('oracle-d');
    await kubectl(sandbox, ['create', 'namespace', 'oracle-d-team']);
    await applyIn('oracle-d', vs('gateway-only', 'v3', 'oracle-d', '  gateways: [istio-system/ingress]\n'));
    await applyIn('oracle-d-team', vs('for-team', 'v3', 'oracle-d', '  exportTo: ["oracle-d-team"]\n'));
    await nextSecond();
    await applyIn('oracle-d', vs('local', 'v2', 'oracle-d'));
    const view = await admin.settledView('oracle-d', 'reviews', (v) => v.validations.some((x) => x.code === 'routing-for-other-clients'));
    expect(shown(view)).toEqual({ v2: 100 });
    expect(await istiodSplit('oracle-d', shown(view))).toEqual(shown(view));
  });
});
