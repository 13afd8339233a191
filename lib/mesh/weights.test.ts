import { describe, expect, it } from 'vitest';
import { distributeEvenly, isValidSplit, setWeight, toPercent } from './weights';

describe('setWeight', () => {
  it('takes the difference from the largest other version', () => {
    expect(setWeight({ v1: 70, v2: 30 }, 'v2', 80)).toEqual({ v1: 20, v2: 80 });
    expect(setWeight({ v1: 50, v2: 40, v3: 10 }, 'v3', 20)).toEqual({ v1: 45, v2: 35, v3: 20 });
  });

  it('expresses 30/60/10 in three moves and always sums to 100', () => {
    let weights: Record<string, number> = { en: 100, fr: 0, es: 0 };
    weights = setWeight(weights, 'fr', 60);
    weights = setWeight(weights, 'es', 10, new Set(['fr']));
    expect(weights).toEqual({ en: 30, fr: 60, es: 10 });
    expect(isValidSplit(weights)).toBe(true);
  });

  it('never moves a locked version and clamps to what others can give', () => {
    expect(setWeight({ v1: 50, v2: 30, v3: 20 }, 'v3', 90, new Set(['v2']))).toEqual({ v1: 0, v2: 30, v3: 70 });
  });

  it('rounds fractional input to whole numbers', () => {
    expect(setWeight({ v1: 50, v2: 50 }, 'v2', 33.6)).toEqual({ v1: 66, v2: 34 });
  });
});

describe('distributeEvenly', () => {
  it('shares 100 across three versions as 34/33/33', () => {
    expect(distributeEvenly({ a: 100, b: 0, c: 0 })).toEqual({ a: 34, b: 33, c: 33 });
  });

  it('keeps locked versions', () => {
    expect(distributeEvenly({ a: 60, b: 0, c: 0 }, new Set(['a']))).toEqual({ a: 60, b: 20, c: 20 });
  });
});

describe('setWeight with a first donor', () => {
  it('takes from the stable version first, then from the largest others', () => {
    expect(setWeight({ v1: 100, v2: 0 }, 'v2', 30, { first: 'v1' })).toEqual({ v1: 70, v2: 30 });
    expect(setWeight({ v1: 20, v2: 80, v3: 0 }, 'v3', 30, { first: 'v1' })).toEqual({ v1: 0, v2: 70, v3: 30 });
    expect(setWeight({ v1: 50, v2: 50, v3: 0 }, 'v3', 10, { first: 'v2' })).toEqual({ v1: 50, v2: 40, v3: 10 });
  });
});

describe('toPercent', () => {
  it('turns relative weights into whole percents that add up to 100', () => {
    expect(toPercent({ v1: 1, v2: 3 })).toEqual({ v1: 25, v2: 75 });
    expect(toPercent({ a: 1, b: 1, c: 1 })).toEqual({ a: 34, b: 33, c: 33 });
    expect(toPercent({ v1: 90, v2: 10 })).toEqual({ v1: 90, v2: 10 });
    expect(toPercent({ v1: 0.5, v2: 0.5 })).toEqual({ v1: 50, v2: 50 });
    expect(toPercent({ v1: 0, v2: 0 })).toEqual({ v1: 0, v2: 0 });
  });
});
