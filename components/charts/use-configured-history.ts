'use client';

import { useEffect, useMemo, useState } from 'react';
import type { HistoryEntry } from '@/lib/release/model';
import { configuredTimeline, recordedSteps, sameWeights, type ConfiguredWeights } from './configured-timeline';

export { weightsAt, type ConfiguredWeights } from './configured-timeline';

const NO_HISTORY: readonly HistoryEntry[] = [];

/**
 * The configured weights over time. Kubernetes keeps no history of a VirtualService, but the service's Release
 * does (every change made through Weir: who, when, from which split to which), so a reloaded page still draws
 * the earlier steps; on top of it, each change the page observes live (one made with kubectl included).
 */
export function useConfiguredHistory(configured: Record<string, number>, history: readonly HistoryEntry[] = NO_HISTORY): ConfiguredWeights[] {
  const [seen, setSeen] = useState<ConfiguredWeights[]>(() => [{ since: Date.now(), weights: configured }]);
  useEffect(() => {
    setSeen((current) => {
      const last = current.at(-1);
      if (last && sameWeights(last.weights, configured)) return current;
      // A page left open for a long time keeps only what the longest range can show.
      const horizon = Date.now() - 2 * 60 * 60 * 1000;
      return [...current.filter((entry, index) => index === current.length - 1 || entry.since >= horizon), { since: Date.now(), weights: configured }];
    });
  }, [configured]);
  return useMemo(() => configuredTimeline(recordedSteps(history), seen), [history, seen]);
}
