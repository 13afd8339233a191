import { describe, expect, it } from 'vitest';
import { clusterStatusOf, RESYNC_GRACE_MS, type KindTrouble } from './cluster-health';

const now = Date.parse('2026-12-02T10:00:00Z');
const kind = (key: string, synced: boolean, failing: boolean): KindTrouble => ({ kind: key as KindTrouble['kind'], synced, failing, restarts: failing ? 3 : 0 });

describe('clusterStatusOf: what the banner says', () => {
  it('says "connecting" while the first lists are in flight, not that something is broken', () => {
    expect(clusterStatusOf({ state: 'unknown' }, [kind('services', false, false), kind('deployments', false, false)], now)).toBe('connecting');
    expect(clusterStatusOf({ state: 'reachable' }, [kind('services', false, false)], now)).toBe('connecting');
    // The API server still starting: the first lists fail before the probe has had its say.
    expect(clusterStatusOf({ state: 'unknown' }, [kind('services', false, true)], now)).toBe('connecting');
  });

  it('says nothing once every kind is synced', () => {
    expect(clusterStatusOf({ state: 'reachable' }, [], now)).toBe('ok');
  });

  it('names an unreachable API server above everything else', () => {
    expect(clusterStatusOf({ state: 'unreachable' }, [], now)).toBe('unreachable');
    expect(clusterStatusOf({ state: 'unreachable' }, [kind('services', true, true)], now)).toBe('unreachable');
  });

  it('calls watches that fail just after the API server came back "resyncing", later "degraded"', () => {
    const backAt = new Date(now - 1_000).toISOString();
    expect(clusterStatusOf({ state: 'reachable', backAt }, [kind('services', true, true)], now)).toBe('resyncing');
    expect(clusterStatusOf({ state: 'reachable', backAt }, [kind('services', true, true)], now + RESYNC_GRACE_MS)).toBe('degraded');
    // A kind that never listed (a missing CRD, no RBAC) is broken, not catching up.
    expect(clusterStatusOf({ state: 'reachable', backAt }, [kind('httproutes', false, true)], now)).toBe('degraded');
    expect(clusterStatusOf({ state: 'reachable' }, [kind('httproutes', false, true)], now)).toBe('degraded');
  });
});
