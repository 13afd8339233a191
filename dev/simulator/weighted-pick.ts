/**
 * Picks one of several choices in proportion to their weights, the way Envoy's weighted clusters do.
 * Weights are relative (1:3 is 25/75); a weight of 0 or less is never picked.
 */
export function pickByWeight<T>(choices: readonly T[], weightOf: (choice: T) => number, random: number): T | undefined {
  const weights = choices.map((choice) => Math.max(weightOf(choice), 0));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0)) return undefined;
  let remaining = random * total;
  for (let index = 0; index < choices.length; index += 1) {
    remaining -= weights[index]!;
    if (remaining < 0) return choices[index];
  }
  // Rounding can leave a sliver at the top end: it belongs to the last choice with weight.
  return choices[weights.findLastIndex((weight) => weight > 0)];
}
