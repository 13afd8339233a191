import { writeFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../../dev/sandbox/sandbox.ts';
import { consoleApi } from '../../../test/console-api.ts';
import { signIn } from '../../../test/console-session.ts';
import { adminApi, sample } from '../../../test/sandbox-client.ts';
import type { ReleaseView } from '@/lib/mesh/types';
import { qualifyHost } from '@/lib/mesh/hosts';
import { SAME_PROBLEM, analysisOf } from './analysis';
import type { DestinationRule, VirtualService } from './types';

/*
 * Istio's analyzers as an oracle for Weir's own checks. The sandbox's istiod runs its analysis and writes what
 * it finds into each object's status; on the same objects, where both speak of a problem they must agree, and
 * what Istio reports that Weir has no check for is shown on the service page as Istio said it.
 */

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const admin = consoleApi(await signIn('admin'));

async function applyText(namespace: string, text: string): Promise<void> {
  const file = `${sandbox.dir}/analysis-${namespace}-${Date.now()}.yaml`;
  writeFileSync(file, text);
  await kubectl(sandbox, ['apply', '-n', namespace, '-f', file]);
}

const PROBLEMS = `
# A content rule to a subset the DestinationRule does not define, and a second VirtualService for the same host.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: reviews, subset: v9}}]
  - route: [{destination: {host: reviews, subset: v1}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-again}
spec:
  hosts: [reviews.analysis-problems.svc.cluster.local]
  http:
  - route: [{destination: {host: reviews, subset: v2}}]
---
# Subsets for a host no Service has.
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ghost}
spec:
  host: ghost
  subsets: [{name: v1, labels: {version: v1}}]
`;

const HELLOWORLD_ROUTING = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: helloworld}
spec:
  host: helloworld
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  # No pod of the cluster carries this label (Istio's analyzer looks at every pod; see the Bookinfo case).
  - {name: v3, labels: {version: helloworld-v3}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: helloworld}
spec:
  hosts: [helloworld]
  http:
  - route:
    - {destination: {host: helloworld, subset: v1}, weight: 50}
    - {destination: {host: helloworld, subset: v2}, weight: 50}
`;

/** A DestinationRule for a host that does not exist: when Istio has reported it, its analysis has run over the namespace. */
const SENTINEL = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: analysis-sentinel}
spec:
  host: analysis-sentinel
`;

async function analysed(namespace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const api = adminApi(sandbox);
  for (;;) {
    const sentinel = await api.read<DestinationRule>({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'analysis-sentinel', namespace } });
    if (analysisOf(sentinel).some((message) => message.type?.code === 'IST0174')) break;
    if (Date.now() > deadline) throw new Error(`istiod did not analyse ${namespace} within 60 s (is its analysis on? see the sandbox's logs/istiod.log)`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  // Status writes of one analysis pass go out one by one; give the rest of the pass a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}

/** Istio's codes on the objects a view is read from, and on every VirtualService naming its host. */
async function istioCodes(namespace: string, view: ReleaseView): Promise<Set<string>> {
  const api = adminApi(sandbox);
  const host = qualifyHost(view.service, namespace);
  const virtualServices = (await api.list<VirtualService>('networking.istio.io/v1', 'VirtualService', namespace)).items.filter((vs) =>
    (vs.spec?.hosts ?? []).some((h) => qualifyHost(h, namespace) === host),
  );
  const destinationRules = (await api.list<DestinationRule>('networking.istio.io/v1', 'DestinationRule', namespace)).items.filter(
    (dr) => qualifyHost(dr.spec?.host ?? '', namespace) === host,
  );
  return new Set([...virtualServices, ...destinationRules].flatMap((object) => analysisOf(object).map((message) => message.type?.code ?? '')));
}

function weirCodes(view: ReleaseView): Set<string> {
  return new Set(view.validations.filter((v) => v.code !== 'istio-analysis').map((v) => v.code));
}

/** The Istio codes that speak of the same problem as a Weir check. */
function istioCodesFor(check: string): string[] {
  return Object.entries(SAME_PROBLEM)
    .filter(([, same]) => same.includes(check as never))
    .map(([code]) => code);
}

/**
 * Where both speak of a problem they agree: everything Istio reports, Weir reports too (or shows as Istio said
 * it), and every Weir check Istio also has, Istio reports too, but for the differences `weirOnly` names, where
 * Weir is stricter and says why in the test.
 */
function expectAgreement(service: string, weir: Set<string>, istio: Set<string>, view: ReleaseView, weirOnly: string[] = []): void {
  const shown = new Set(view.validations.filter((v) => v.code === 'istio-analysis').map((v) => v.subject));
  for (const code of istio) {
    const same = SAME_PROBLEM[code];
    if (same) expect(same.some((check) => weir.has(check)), `${service}: Istio reports ${code}; Weir's ${same.join(' / ')}`).toBe(true);
    else expect(shown.has(code), `${service}: ${code} is shown as Istio's own message`).toBe(true);
  }
  for (const check of weir) {
    const codes = istioCodesFor(check);
    if (codes.length === 0) continue;
    const istioToo = codes.some((code) => istio.has(code));
    expect(istioToo, `${service}: Weir reports ${check}; Istio ${istioToo ? 'reports' : 'does not report'} ${codes.join(' / ')}`).toBe(!weirOnly.includes(check));
  }
}

describe(`Weir's checks against Istio's analysis (istiod ${sandbox.istiodVersion})`, () => {
  it('agree on Bookinfo as the samples ship it: the subsets with no pods, where Weir is the stricter', async () => {
    const namespace = 'analysis-bookinfo';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('bookinfo.yaml'), '-f', sample('destination-rule-all.yaml'), '-f', sample('virtual-service-all-v1.yaml')]);
    await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
    await applyText(namespace, SENTINEL);
    await analysed(namespace);
    for (const service of ['productpage', 'reviews', 'ratings', 'details']) {
      const view = await admin.settledView(namespace, service, (v) => v.routed);
      const istio = await istioCodes(namespace, view);
      // details' subset v2 selects none of details' pods. Istio's analyzer matches a subset's labels against
      // every pod of the cluster, whatever the Service selects: reviews-v2 carries version=v2, so it is quiet.
      expectAgreement(service, weirCodes(view), istio, view, service === 'details' ? ['version-without-workload'] : []);
    }
    // Istio names ratings' v2-mysql and v2-mysql-vm; Weir also v2, which no ratings pod carries (for the
    // reason above, Istio's analyzer counts reviews-v2 as selected).
    const ratings = await admin.view(namespace, 'ratings');
    expect(ratings.validations.filter((v) => v.code === 'version-without-workload').map((v) => v.subject).sort()).toEqual(['v2', 'v2-mysql', 'v2-mysql-vm']);
  });

  it('agree on a missing subset, two VirtualServices for one host, and subsets for a host with no Service', async () => {
    const namespace = 'analysis-problems';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('bookinfo.yaml'), '-f', sample('destination-rule-all.yaml')]);
    await applyText(namespace, PROBLEMS);
    await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
    await applyText(namespace, SENTINEL);
    await analysed(namespace);
    const reviews = await admin.settledView(namespace, 'reviews', (v) => v.validations.some((x) => x.code === 'multiple-routing-objects'));
    const reviewsCodes = await istioCodes(namespace, reviews);
    expect([...reviewsCodes].sort()).toEqual(['IST0101', 'IST0109']);
    expectAgreement('reviews', weirCodes(reviews), reviewsCodes, reviews);
    const ghost = await admin.settledView(namespace, 'ghost', (v) => v.objects.length > 0);
    const ghostCodes = await istioCodes(namespace, ghost);
    expect([...ghostCodes]).toEqual(['IST0174']);
    expectAgreement('ghost', weirCodes(ghost), ghostCodes, ghost);
  });

  it('agree on Istio’s helloworld sample with a subset no pod carries', async () => {
    const namespace = 'analysis-helloworld';
    await kubectl(sandbox, ['create', 'namespace', namespace]);
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('helloworld.yaml')]);
    await applyText(namespace, HELLOWORLD_ROUTING);
    await kubectl(sandbox, ['wait', '-n', namespace, '--for=condition=Available', 'deployment', '--all', '--timeout=90s']);
    await applyText(namespace, SENTINEL);
    await analysed(namespace);
    const view = await admin.settledView(namespace, 'helloworld', (v) => v.routed);
    const istio = await istioCodes(namespace, view);
    expect([...istio]).toEqual(['IST0173']);
    expectAgreement('helloworld', weirCodes(view), istio, view);
    expect(view.validations).toContainEqual({ code: 'version-without-workload', severity: 'warning', subject: 'v3' });
  });
});
