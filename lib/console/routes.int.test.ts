import { afterAll, describe, expect, inject, it } from 'vitest';
import { kubectl } from '../../dev/sandbox/sandbox.ts';
import { signIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';

const { GET } = await import('@/app/api/routes/route');
const { clusterCache } = await import('@/lib/k8s/watch-cache');
const victor = await signIn('victor');

async function getJson(query: string) {
  const response = await GET(new Request(`http://weir.test/api/routes${query}`, { headers: victor.read }));
  return { status: response.status, body: (await response.json()) as any };
}

afterAll(async () => {
  await clusterCache('sandbox')?.stop();
});

describe(`GET /api/routes against kube-apiserver ${sandbox.apiServerVersion}`, () => {
  it('lists the Bookinfo VirtualServices with their hosts and routes', async () => {
    const { status, body } = await getJson('?cluster=sandbox&namespace=default');
    expect(status).toBe(200);
    const names = body.filter((row: { kind: string }) => row.kind === 'VirtualService').map((vs: { name: string }) => vs.name);
    expect(names).toEqual(['details', 'productpage', 'ratings', 'reviews']);
    const reviews = body.find((vs: { name: string; kind: string }) => vs.name === 'reviews' && vs.kind === 'VirtualService');
    expect(reviews.provider).toEqual({ id: 'istio', name: 'Istio' });
    expect(reviews.hosts).toEqual(['reviews.default']);
    expect(reviews.routes[0].destinations).toEqual([{ target: 'reviews.default', version: 'v1', weight: 100 }]);
  });

  it('lists the HTTPRoute of scenario 6 and the TrafficSplit of scenario 5 beside them, each with its provider', async () => {
    const { status, body } = await getJson('?cluster=sandbox');
    expect(status).toBe(200);
    const helloworld = body.find((row: { kind: string; name: string; namespace: string }) => row.kind === 'HTTPRoute' && row.namespace === 'helloworld');
    expect(helloworld).toMatchObject({ provider: { id: 'gateway-api', name: 'Gateway API' }, hosts: ['helloworld.helloworld'], parents: ['Service helloworld port 5000'] });
    expect(helloworld.routes[0].destinations.map((d: { target: string; weight: number }) => [d.target, d.weight])).toEqual([
      ['helloworld-v1.helloworld', 90],
      ['helloworld-v2.helloworld', 10],
    ]);
    const website = body.find((row: { kind: string; name: string; namespace: string }) => row.kind === 'TrafficSplit' && row.namespace === 'my-website');
    expect(website).toMatchObject({ provider: { id: 'smi', name: 'SMI' }, hosts: ['my-website.my-website'] });
    expect(website.routes[0].destinations.map((d: { weight: number }) => d.weight)).toEqual([50, 50]);
  });

  it('sees a change made with kubectl within a second, through the watch', async () => {
    await kubectl(sandbox, [
      'apply',
      '-n',
      'default',
      '-f',
      `${process.cwd()}/../shared/fixtures/istio-samples/virtual-service-reviews-80-20.yaml`,
    ]);
    const started = Date.now();
    let weights: number[] = [];
    while (Date.now() - started < 1_000) {
      const { body } = await getJson('?namespace=default');
      const reviews = body.find((vs: { name: string; kind: string }) => vs.name === 'reviews' && vs.kind === 'VirtualService');
      weights = reviews.routes[0].destinations.map((d: { weight: number }) => d.weight);
      if (weights.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(weights).toEqual([80, 20]);
    // Put the scenario back as it was for the other tests.
    await kubectl(sandbox, ['apply', '-n', 'default', '-f', `${process.cwd()}/../shared/fixtures/istio-samples/virtual-service-all-v1.yaml`]);
  });

  it('names the bad parameter and answers 400', async () => {
    const { status, body } = await getJson('?namespace=Not_A_Namespace');
    expect(status).toBe(400);
    expect(body.error.fields[0].field).toBe('query.namespace');
  });

  it('answers 404 for a cluster that is not configured', async () => {
    const { status, body } = await getJson('?cluster=nope');
    expect(status).toBe(404);
    expect(body.error.fields[0]).toEqual({ field: 'cluster', code: 'field.unknownCluster', params: { cluster: 'nope' }, message: 'unknown cluster "nope"' });
  });
});
