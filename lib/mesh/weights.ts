/*
 * Weight arithmetic for the N-way editor: whole numbers that always add up to 100.
 */

export type Weights = Record<string, number>;

function total(weights: Weights): number {
  return Object.values(weights).reduce((sum, value) => sum + value, 0);
}

/**
 * Sets one version's weight and takes (or gives) the difference from the other unlocked versions, largest
 * first when taking and smallest first when giving, so the sum stays 100. The new value is clamped to what
 * the unlocked others can give.
 */
export function setWeight(weights: Weights, name: string, value: number, locked: ReadonlySet<string> = new Set()): Weights {
  const others = Object.keys(weights).filter((other) => other !== name && !locked.has(other));
  const fixed = Object.keys(weights)
    .filter((other) => other !== name && locked.has(other))
    .reduce((sum, other) => sum + weights[other]!, 0);
  const target = Math.max(0, Math.min(Math.round(value), 100 - fixed, others.length === 0 ? weights[name]! : 100));
  const next = { ...weights, [name]: target };
  let excess = total(next) - 100;
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
