import { describe, expect, it } from 'vitest';
import { oldestFirst } from './objects';

describe('oldestFirst', () => {
  it('orders by creation time across days (a Date or its text), then by name', () => {
    const at = (name: string, creationTimestamp: Date | string) => ({ metadata: { name, creationTimestamp: creationTimestamp as Date } });
    const objects = [at('b', new Date('2026-12-01T10:00:00Z')), at('a', '2026-11-30T23:00:00Z'), at('c', new Date('2026-12-01T10:00:00Z')), at('z', new Date('2026-12-02T00:00:00Z'))];
    expect(objects.sort(oldestFirst).map((o) => o.metadata.name)).toEqual(['a', 'b', 'c', 'z']);
  });
});
