import { describe, expect, it } from 'vitest';
import { LoadTests } from './load-test.ts';

describe('load tests', () => {
  it('owe their rate per second to one Service until they end, never more than a second’s worth at once', () => {
    const loads = new LoadTests();
    loads.start('test', 'podinfo', 100, 2, 0);
    expect(loads.due(100, 100)).toEqual([{ namespace: 'test', service: 'podinfo', count: 10 }]);
    expect(loads.due(5000, 1500)).toEqual([{ namespace: 'test', service: 'podinfo', count: 100 }]);
    expect(loads.due(100, 2000)).toEqual([]);
  });

  it('keep their rate and length within bounds', () => {
    const run = new LoadTests().start('test', 'podinfo', 1e9, 1e9, 0);
    expect(run.rps).toBe(1000);
    expect(run.until).toBe(600_000);
  });
});
