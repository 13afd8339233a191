import { describe, expect, inject, it } from 'vitest';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
const { ClusterCache } = await import('@/lib/k8s/watch-cache');
const { clusterTarget } = await import('@/lib/k8s/clusters');
const { clusterHealth } = await import('./clusters');

describe("a cluster's health on the real API server", () => {
  it('is "connecting" while the watch caches first list, then "ok", and never "degraded" on the way', async () => {
    const cache = new ClusterCache(clusterTarget('sandbox')!);
    try {
      const first = clusterHealth('sandbox', cache);
      expect(first.status).toBe('connecting');
      expect(first.unhealthy.length).toBeGreaterThan(0);
      expect(first.unhealthy.every((kind) => !kind.synced && !kind.failing)).toBe(true);
      const seen = ['connecting'];
      const deadline = Date.now() + 20_000;
      for (let health = first; health.status !== 'ok' && Date.now() < deadline; health = clusterHealth('sandbox', cache)) {
        if (seen.at(-1) !== health.status) seen.push(health.status);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      seen.push(clusterHealth('sandbox', cache).status);
      expect(seen).toEqual(['connecting', 'ok']);
      expect(cache.reachability().state).toBe('reachable');
    } finally {
      await cache.stop();
    }
  });
});
