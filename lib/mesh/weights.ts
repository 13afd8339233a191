/*
 * Weight arithmetic for the N-way editor: whole numbers that always add up to 100.
 */

export type Weights = Record<string, number>;

function total(weights: Weights): number {
  return Object.values(weights).reduce((sum, value) => sum + value, 0);
}

export interface SetWeightOptions {
  /** Versions whose weight must not move. */
  locked?: ReadonlySet<string>;
  /** The version that gives (or takes) the difference first, before the others share the rest: the stable one. */
  first?: string;
}

/**
 * Sets one version's weight and takes (or gives) the difference from the other unlocked versions so the sum
 * stays 100: from `first` when given, then from the others one point at a time, largest first when taking and
 * smallest first when giving. The new value is clamped to what the unlocked others can give. The one weight
 * algorithm: the N-way editor, "add a version at N%" and progressive steps all use it.
 */
export function setWeight(weights: Weights, name: string, value: number, options: SetWeightOptions | ReadonlySet<string> = {}): Weights {
  const { locked = new Set<string>(), first } = options instanceof Set ? { locked: options } : (options as SetWeightOptions);
  const others = Object.keys(weights).filter((other) => other !== name && !locked.has(other));
  const fixed = Object.keys(weights)
    .filter((other) => other !== name && locked.has(other))
    .reduce((sum, other) => sum + weights[other]!, 0);
  const target = Math.max(0, Math.min(Math.round(value), 100 - fixed, others.length === 0 ? weights[name]! : 100));
  const next = { ...weights, [name]: target };
  let excess = total(next) - 100;
  if (first !== undefined && others.includes(first)) {
    const moved = excess > 0 ? Math.min(excess, next[first]!) : Math.max(excess, next[first]! - 100);
    next[first] = next[first]! - moved;
    excess -= moved;
  }
  const order = [...others].sort((a, b) => (excess > 0 ? next[b]! - next[a]! : next[a]! - next[b]!));
  while (excess !== 0 && order.length > 0) {
    for (const other of order) {
      if (excess === 0) break;
      if (excess > 0 && next[other]! > 0) {
        next[other] = next[other]! - 1;
        excess -= 1;
      } else if (excess < 0 && next[other]! < 100) {
        next[other] = next[other]! + 1;
        excess += 1;
      }
    }
    if (order.every((other) => (excess > 0 ? next[other] === 0 : next[other] === 100))) break;
  }
  return next;
}

/**
 * Relative weights (as Gateway API and SMI write them: any non-negative numbers) as whole percents that add up
 * to 100, by largest remainder; ties go to the earlier version. All zero stays all zero.
 */
export function toPercent(weights: Weights): Weights {
  const sum = total(weights);
  if (sum <= 0) return Object.fromEntries(Object.keys(weights).map((name) => [name, 0]));
  const exact = Object.entries(weights).map(([name, weight], order) => ({ name, order, value: (weight * 100) / sum }));
  const result = Object.fromEntries(exact.map(({ name, value }) => [name, Math.floor(value)]));
  let left = 100 - Object.values(result).reduce((a, b) => a + b, 0);
  for (const entry of [...exact].sort((a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)) || a.order - b.order)) {
    if (left <= 0) break;
    result[entry.name] = result[entry.name]! + 1;
    left -= 1;
  }
  return result;
}

/** Shares what the locked versions leave evenly among the others; the remainder goes to the first ones. */
export function distributeEvenly(weights: Weights, locked: ReadonlySet<string> = new Set()): Weights {
  const free = Object.keys(weights).filter((name) => !locked.has(name));
  if (free.length === 0) return weights;
  const left = 100 - Object.keys(weights).filter((name) => locked.has(name)).reduce((sum, name) => sum + weights[name]!, 0);
  const share = Math.floor(left / free.length);
  const next = { ...weights };
  free.forEach((name, index) => {
    next[name] = share + (index < left - share * free.length ? 1 : 0);
  });
  return next;
}

/** True when every weight is a whole number in 0..100 and they add up to 100. */
export function isValidSplit(weights: Weights): boolean {
  const values = Object.values(weights);
  return values.length > 0 && values.every((value) => Number.isInteger(value) && value >= 0 && value <= 100) && total(weights) === 100;
}
