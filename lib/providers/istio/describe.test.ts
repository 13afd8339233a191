import { describe, expect, it } from 'vitest';
import { describeMatch, summarizeVirtualService } from './describe';
import { sampleObjects } from '@/lib/mesh/fixtures.test-helpers';
import type { VirtualService } from './types';

function virtualServices(file: string): VirtualService[] {
  return sampleObjects(file).filter((object): object is VirtualService => object.kind === 'VirtualService');
}

describe('summarizeVirtualService on the Istio samples', () => {
  it('reads the 80/20 reviews split', () => {
    const [reviews] = virtualServices('virtual-service-reviews-80-20.yaml');
    const summary = summarizeVirtualService('sandbox', { ...reviews!, metadata: { ...reviews!.metadata, namespace: 'default' } });
    expect(summary.hosts).toEqual(['reviews.default']);
    expect(summary.routes).toHaveLength(1);
    expect(summary.routes[0]!.matches).toEqual([]);
    expect(summary.routes[0]!.destinations.map((d) => [d.version, d.weight])).toEqual([
      ['v1', 80],
      ['v2', 20],
    ]);
  });

  it('gives a lone unweighted destination all the traffic', () => {
    const all = virtualServices('virtual-service-all-v1.yaml');
    expect(all.map((vs) => vs.metadata?.name)).toEqual(['productpage', 'reviews', 'ratings', 'details']);
    for (const vs of all) {
      const [route] = summarizeVirtualService('sandbox', vs).routes;
      expect(route!.destinations).toEqual([expect.objectContaining({ version: 'v1', weight: 100 })]);
    }
  });

  it('describes the header rule of reviews-test-v2 before its catch-all route', () => {
    const [reviews] = virtualServices('virtual-service-reviews-test-v2.yaml');
    const { routes } = summarizeVirtualService('sandbox', reviews!);
    expect(routes[0]!.matches).toEqual([[{ on: 'header', name: 'end-user', operator: 'exact', value: 'jason' }]]);
    expect(routes[0]!.destinations[0]!.version).toBe('v2');
    expect(routes[1]!.matches).toEqual([]);
    expect(routes[1]!.destinations[0]!.version).toBe('v1');
  });
});

describe('describeMatch', () => {
  it('calls a cookie header a cookie and keeps regexes as written', () => {
    expect(describeMatch({ headers: { cookie: { regex: '^(.*?;)?(gray=true)(;.*)?$' } } })).toEqual([
      { on: 'cookie', operator: 'regex', value: '^(.*?;)?(gray=true)(;.*)?$' },
    ]);
  });

  it('lists uri, query and unknown conditions so nothing is hidden', () => {
    const conditions = describeMatch({ uri: { prefix: '/api' }, queryParams: { debug: { exact: '1' } }, sourceLabels: { app: 'x' } });
    expect(conditions.map((c) => c.on)).toEqual(['uri', 'query', 'other']);
  });
});
