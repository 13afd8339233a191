import { describe, expect, it } from 'vitest';
import { seeded, shares } from '../fixtures.test-helpers.ts';
import { cluster, endpoint } from './snapshot.test-helpers.ts';
import { pickHost, pickWeightedCluster, usableHosts } from './upstream.ts';

describe("Envoy's choice of upstream", () => {
  it('splits 10,000 requests over weighted clusters 30/60/10 within two points, and never picks weight 0', () => {
    const random = seeded(3);
    const split = [
      { name: 'v1', weight: 30 },
      { name: 'v0', weight: 0 },
      { name: 'v2', weight: 60 },
      { name: 'v3', weight: 10 },
    ];
    const observed = shares(10_000, () => pickWeightedCluster(split, random)!.name);
    expect(observed.v0).toBeUndefined();
    expect(Math.abs(observed.v1! - 0.3)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.v2! - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(observed.v3! - 0.1)).toBeLessThanOrEqual(0.02);
    expect(pickWeightedCluster([{ name: 'a', weight: 0 }, { name: 'b', weight: 0 }], random)).toBeUndefined();
    expect(pickWeightedCluster([{ name: 'a', weight: 0 }, { name: 'b', weight: 100 }], () => 0.9999999)?.name).toBe('b');
  });

  it('balances over healthy and unknown hosts by load-balancing weight, never unhealthy or draining ones', () => {
    const random = seeded(4);
    const hosts = cluster('c', [endpoint('10.0.0.1', 'HEALTHY', { weight: 3 }), endpoint('10.0.0.2', 'UNKNOWN'), endpoint('10.0.0.3', 'UNHEALTHY'), endpoint('10.0.0.4', 'DRAINING')]);
    const observed = shares(10_000, () => pickHost(hosts, random)!.address);
    expect(Object.keys(observed).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(Math.abs(observed['10.0.0.1']! - 0.75)).toBeLessThanOrEqual(0.02);
  });

  it('finds no host (503) when nothing is healthy and istiod disabled the panic threshold', () => {
    expect(pickHost(cluster('c', []), Math.random)).toBeUndefined();
    expect(pickHost(cluster('c', [endpoint('10.0.0.3', 'UNHEALTHY')]), Math.random)).toBeUndefined();
  });

  it("uses every host of the level below Envoy's default panic threshold of 50%", () => {
    const mostlyDown = cluster('c', [endpoint('10.0.0.1'), endpoint('10.0.0.2', 'UNHEALTHY'), endpoint('10.0.0.3', 'UNHEALTHY')], { healthyPanicThreshold: undefined });
    expect(usableHosts(mostlyDown).map((host) => host.address)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(usableHosts({ ...mostlyDown, healthyPanicThreshold: 0 }).map((host) => host.address)).toEqual(['10.0.0.1']);
  });

  it('prefers the lowest priority with a healthy host, and degraded hosts only when nothing is healthy', () => {
    const failover = cluster('c', [endpoint('10.0.0.1', 'UNHEALTHY'), endpoint('10.0.0.2', 'HEALTHY', { priority: 1 }), endpoint('10.0.0.3', 'HEALTHY', { priority: 2 })]);
    expect(usableHosts(failover).map((host) => host.address)).toEqual(['10.0.0.2']);
    expect(usableHosts(cluster('c', [endpoint('10.0.0.1', 'UNHEALTHY'), endpoint('10.0.0.2', 'DEGRADED')])).map((host) => host.address)).toEqual(['10.0.0.2']);
  });
});
