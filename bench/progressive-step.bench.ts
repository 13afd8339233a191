/**
 * API calls per progressive step, per provider. A podinfo release (scenario 3) routed by Istio, by Gateway API
 * and by SMI; the controller's reconcile runs with an identity that counts every request it sends to the API
 * server (the watch caches it reads from run as another identity, and are not per step). Prints, per
 * provider, the calls of each step and what they were, and the time of a step against a raw status write of
 * the same Release in the same run (machines here are shared: ratios, not absolute timings).
 *
 *   npm run bench
 */
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { expect, inject, it } from 'vitest';
import type { RequestContext } from '@kubernetes/client-node';
import { podinfoNamespace } from '../test/podinfo.ts';
import { signIn } from '../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_CONTROLLER = 'false';
process.env.WEIR_PROMETHEUS_URL = sandbox.prometheusUrl;

const { reconcile } = await import('@/lib/progressive/controller');
const { clusterCache } = await import('@/lib/k8s/watch-cache');
const { readReleaseObject, replaceStatus } = await import('@/lib/release/store');
const releaseRoute = await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route');
const alice = await signIn('alice');

/** The console's identity, noting every request the generated API clients send with it. */
class CountingKubeConfig extends KubeConfig {
  readonly calls: string[] = [];
  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    const url = new URL(context.getUrl());
    this.calls.push(`${context.getHttpMethod()} ${url.pathname.replace(/^\/apis?\/([^/]+\/)?v[^/]+\/namespaces\/[^/]+\//, '')}`);
    return super.applySecurityAuthentication(context);
  }
}

const SETTINGS = {
  stableVersion: 'v1',
  grayVersion: 'v2',
  stepWeight: 10,
  maxWeight: 30,
  interval: '1s',
  threshold: 50,
  analysis: { successRateMin: 90, p99LatencyMaxMs: 5000, window: '20s' },
  approval: 'none',
  deleteOldVersion: false,
};

async function cachedRelease(namespace: string, newerThan?: string) {
  const cache = clusterCache('sandbox')!;
  for (let tries = 0; tries < 200; tries += 1) {
    const release = await cache.get<KubernetesObject & { status?: { phase?: string; currentStep?: number } }>('releases', 'podinfo', namespace);
    if (release && release.metadata?.resourceVersion !== newerThan) return release;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the watch cache never showed a newer Release in ${namespace}`);
}

interface StepFigure {
  provider: string;
  step: number;
  calls: string[];
  ms: number;
}

async function measure(provider: 'istio' | 'gateway-api' | 'smi', steps: number): Promise<{ figures: StepFigure[]; baselineMs: number }> {
  const namespace = `bench-step-${provider}`;
  await podinfoNamespace(sandbox, namespace, provider);
  const response = await releaseRoute.POST(new Request('http://weir.test/', { method: 'POST', headers: alice.write, body: JSON.stringify({ action: 'start', settings: SETTINGS }) }), {
    params: Promise.resolve({ cluster: 'sandbox', namespace, name: 'podinfo' }),
  });
  expect(response.status, await response.clone().text()).toBe(200);

  const kubeConfig = new CountingKubeConfig();
  kubeConfig.loadFromFile(sandbox.consoleKubeconfig);
  const target = { name: 'sandbox', server: kubeConfig.getCurrentCluster()!.server, kubeConfig };
  const figures: StepFigure[] = [];
  let seen: string | undefined;
  const deadline = Date.now() + 240_000;
  while (figures.length < steps && Date.now() < deadline) {
    const release = await cachedRelease(namespace, seen);
    kubeConfig.calls.length = 0;
    const started = performance.now();
    const decision = await reconcile(target, release as never, sandbox.prometheusUrl);
    const ms = performance.now() - started;
    if (decision.type === 'step') {
      figures.push({ provider, step: decision.step, calls: [...kubeConfig.calls], ms });
      seen = release.metadata?.resourceVersion;
    } else if (decision.type === 'record-check') {
      seen = release.metadata?.resourceVersion;
    } else {
      // Not due yet, or waiting for traffic to analyse: look again shortly.
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  // Baseline: one status write of the same Release, as raw as the API gets.
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const release = (await readReleaseObject(kubeConfig, namespace, 'podinfo'))!;
    const started = performance.now();
    await replaceStatus(kubeConfig, release, release.status!);
    times.push(performance.now() - started);
  }
  return { figures, baselineMs: times.sort((a, b) => a - b)[2]! };
}

it('counts the API calls of each progressive step, per provider', async () => {
  const lines: string[] = ['provider      step  API calls  step time / one raw status write  calls'];
  for (const provider of ['istio', 'gateway-api', 'smi'] as const) {
    const { figures, baselineMs } = await measure(provider, 3);
    expect(figures.length, `${provider}: steps taken`).toBeGreaterThan(0);
    for (const figure of figures) {
      lines.push(`${provider.padEnd(13)} ${String(figure.step).padEnd(5)} ${String(figure.calls.length).padEnd(10)} ${(figure.ms / baselineMs).toFixed(1).padEnd(34)} ${figure.calls.join(', ')}`);
    }
  }
  console.log(`\n${lines.join('\n')}\n`);
}, 900_000);
