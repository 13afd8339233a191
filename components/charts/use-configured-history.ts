'use client';

import { useEffect, useState } from 'react';

/** The configured weights (percent per version) from `since` (unix ms) until the next entry. */
export interface ConfiguredWeights {
  since: number;
  weights: Record<string, number>;
}

function sameWeights(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
}

/**
 * The configured weights over time as this page has seen them. Kubernetes keeps no history of a
 * VirtualService, so the page records each change it observes; that is enough to draw a change as a step.
 */
export function useConfiguredHistory(configured: Record<string, number>): ConfiguredWeights[] {
  const [history, setHistory] = useState<ConfiguredWeights[]>(() => [{ since: Date.now(), weights: configured }]);
  useEffect(() => {
    setHistory((current) => {
      const last = current.at(-1);
      if (last && sameWeights(last.weights, configured)) return current;
      // A page left open for a long time keeps only what the longest range can show.
      const horizon = Date.now() - 2 * 60 * 60 * 1000;
      return [...current.filter((entry, index) => index === current.length - 1 || entry.since >= horizon), { since: Date.now(), weights: configured }];
    });
  }, [configured]);
  return history;
}

/**
 * The weights in force at `t`. Before the first recorded change the page cannot know: it assumes the
 * weights it first saw, which is right unless someone changed them just before the page opened.
 */
export function weightsAt(history: ConfiguredWeights[], t: number): Record<string, number> {
  let found = history[0]?.weights ?? {};
  for (const entry of history) {
    if (entry.since > t) break;
    found = entry.weights;
  }
  return found;
}
