import { describe, expect, it } from 'vitest';
import { behaviourOf, sampleLatency } from './behaviour.ts';
import { seeded } from './fixtures.test-helpers.ts';

describe('behaviour', () => {
  it('reads annotations, keeping defaults for what is missing or unreadable', () => {
    expect(behaviourOf(undefined)).toEqual({ errorRate: 0, medianMs: 25, p99Ms: 80 });
    expect(behaviourOf({ 'weir.dev/sim-error-rate': '0.2', 'weir.dev/sim-latency-ms': 'fast' })).toEqual({ errorRate: 0.2, medianMs: 25, p99Ms: 80 });
    expect(behaviourOf({ 'weir.dev/sim-error-rate': '7', 'weir.dev/sim-latency-ms': '300' })).toEqual({ errorRate: 1, medianMs: 300, p99Ms: 300 });
  });

  it('keeps a faulty-image workload\'s errors to that image: another build answers as the defaults say', () => {
    const faulty = { 'weir.dev/sim-error-rate': '0.05', 'weir.dev/sim-faulty-image': 'ghcr.io/stefanprodan/podinfo:6.2.0' };
    expect(behaviourOf(faulty, 'ghcr.io/stefanprodan/podinfo:6.2.0').errorRate).toBe(0.05);
    expect(behaviourOf(faulty, 'ghcr.io/stefanprodan/podinfo:6.2.1')).toEqual({ errorRate: 0, medianMs: 25, p99Ms: 80 });
  });

  it('samples latencies whose median and p99 are the configured ones', () => {
    const random = seeded(1);
    const samples = Array.from({ length: 20_000 }, () => sampleLatency({ errorRate: 0, medianMs: 25, p99Ms: 80 }, random)).sort((a, b) => a - b);
    expect(samples[10_000]!).toBeGreaterThan(23);
    expect(samples[10_000]!).toBeLessThan(27);
    expect(samples[19_800]!).toBeGreaterThan(70);
    expect(samples[19_800]!).toBeLessThan(90);
  });
});
