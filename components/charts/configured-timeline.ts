import type { HistoryEntry } from '@/lib/release/model';

/** The configured weights (percent per version) from `since` (unix ms) until the next entry. */
export interface ConfiguredWeights {
  since: number;
  weights: Record<string, number>;
}

export function sameWeights(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}

/**
 * The splits the Release history recorded, oldest first: the first entry's `from` held before it (since -∞),
 * then each entry's `to` from its time on. Entries that did not change the split (pause, a policy change) repeat
 * the split they saw, which is harmless.
 */
export function recordedSteps(history: readonly HistoryEntry[]): ConfiguredWeights[] {
  const entries = history
    .map((entry) => ({ entry, time: Date.parse(entry.time) }))
    .filter(({ time }) => Number.isFinite(time))
    .sort((a, b) => a.time - b.time);
  if (entries.length === 0) return [];
  return [{ since: Number.NEGATIVE_INFINITY, weights: entries[0]!.entry.from.weights }, ...entries.map(({ entry, time }) => ({ since: time, weights: entry.to.weights }))];
}

/**
 * The configured weights over time: what the Release history recorded, merged with what the page has seen live
 * (a change made with kubectl is in no history; the page's own first look says what held when it opened). Sorted
 * by time, a recorded step before a seen one at the same moment, repeats folded into the step they repeat.
 */
export function configuredTimeline(recorded: readonly ConfiguredWeights[], seen: readonly ConfiguredWeights[]): ConfiguredWeights[] {
  const all = [...recorded.map((step, order) => ({ step, order })), ...seen.map((step, order) => ({ step, order: recorded.length + order }))].sort(
    (a, b) => a.step.since - b.step.since || a.order - b.order,
  );
  const timeline: ConfiguredWeights[] = [];
  for (const { step } of all) {
    const last = timeline.at(-1);
    if (!last || !sameWeights(last.weights, step.weights)) timeline.push(step);
  }
  return timeline;
}

/**
 * The weights in force at `t`. Before the first known step, the earliest weights known (the page cannot know
 * older ones; with a Release history that is the split before its first recorded change).
 */
export function weightsAt(timeline: readonly ConfiguredWeights[], t: number): Record<string, number> {
  let found = timeline[0]?.weights ?? {};
  for (const entry of timeline) {
    if (entry.since > t) break;
    found = entry.weights;
  }
  return found;
}

/** The steps in force at some moment of [from, to]: the one holding at `from`, then those that began inside. */
export function stepsInWindow(timeline: readonly ConfiguredWeights[], from: number, to: number): ConfiguredWeights[] {
  return timeline.filter((step, index) => {
    const next = timeline[index + 1];
    return step.since <= to && (next === undefined || next.since > from);
  });
}
