import { describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { adminApi, bookinfoNamespace, sample } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';
import type { VirtualService } from '@/lib/providers/istio/types';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;

const { POST } = await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route');
const { GET } = await import('@/app/api/services/[cluster]/[namespace]/[name]/route');
const alice = await signIn('alice');
const namespace = 'restore-split';
const params = { params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'reviews' }) };

async function detail() {
  return (await (await GET(new Request('http://weir.test/', { headers: alice.read }), params)).json()) as any;
}

async function apply(intent: Record<string, unknown>) {
  const response = await POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ mode: 'apply', intent }) }), params);
  return { status: response.status, body: (await response.json()) as any };
}

async function waitForHistory(length: number) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const body = await detail();
    if (body.history.length >= length) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the history never reached ${length} entries`);
}

describe('restore this split, against the real API server', () => {
  it('brings back an earlier split with its content rule after a take-over removed both', async () => {
    await bookinfoNamespace(sandbox, namespace);
    // reviews-test-v2: the header end-user: jason goes to v2, everyone else to v1.
    await kubectl(sandbox, ['apply', '-n', namespace, '-f', sample('virtual-service-reviews-test-v2.yaml')]);
    const before = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace } });

    const { view } = await detail();
    expect((await apply({ type: 'take-over', expected: view.splitEtag, version: 'v3' })).status).toBe(200);
    const { history, view: taken } = await waitForHistory(1);
    const earlier = history[0].from;
    expect(earlier.rules).toHaveLength(1);

    const restored = await apply({ type: 'restore-split', expected: taken.splitEtag, weights: { v1: 100, v2: 0, v3: 0 }, rules: earlier.rules });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    const after = await adminApi(sandbox).read<VirtualService>({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace } });
    expect(after.spec?.http?.[0]?.match).toEqual(before.spec?.http?.[0]?.match);
    expect(after.spec?.http?.[0]?.route?.[0]?.destination.subset).toBe('v2');
    expect(after.spec?.http?.at(-1)?.route?.map((route) => route.destination.subset)).toEqual(['v1']);
    const recorded = await waitForHistory(2);
    expect(recorded.history[0]).toMatchObject({ user: 'alice', action: 'restore-split', to: { weights: { v1: 100 }, rules: earlier.rules } });
  });
});
