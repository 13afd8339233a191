import { describe, expect, it } from 'vitest';
import { refreshMs } from './use-service-metrics';

describe('how often the chart refreshes', () => {
  it('follows the scrape interval between 2 s and 5 s', () => {
    expect(refreshMs('2s')).toBe(2_000);
    expect(refreshMs('1s')).toBe(2_000);
    expect(refreshMs('3s')).toBe(3_000);
    expect(refreshMs('15s')).toBe(5_000);
    expect(refreshMs('1m')).toBe(5_000);
    expect(refreshMs(undefined)).toBe(5_000);
  });
});
