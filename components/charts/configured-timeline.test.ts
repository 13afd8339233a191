import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@/lib/release/model';
import { configuredTimeline, recordedSteps, stepsInWindow, weightsAt } from './configured-timeline';

const at = (iso: string) => Date.parse(iso);

function entry(time: string, from: Record<string, number>, to: Record<string, number>, action = 'set-weights'): HistoryEntry {
  return { time, user: 'alice', action, from: { weights: from, rules: [] }, to: { weights: to, rules: [] } };
}

// As the service page gets it: newest first.
const HISTORY = [
  entry('2026-12-02T10:20:00Z', { v1: 20, v2: 80 }, { v2: 100 }, 'take-over'),
  entry('2026-12-02T10:10:00Z', { v1: 70, v2: 30 }, { v1: 20, v2: 80 }),
  entry('2026-12-02T10:00:00Z', { v1: 100 }, { v1: 70, v2: 30 }, 'add-version'),
];

describe("the chart's configured line", () => {
  it('comes from the Release history: the split before the first change, then each recorded change', () => {
    const timeline = configuredTimeline(recordedSteps(HISTORY), [{ since: at('2026-12-02T10:30:00Z'), weights: { v2: 100 } }]);
    expect(timeline.map((step) => [step.since, step.weights])).toEqual([
      [Number.NEGATIVE_INFINITY, { v1: 100 }],
      [at('2026-12-02T10:00:00Z'), { v1: 70, v2: 30 }],
      [at('2026-12-02T10:10:00Z'), { v1: 20, v2: 80 }],
      [at('2026-12-02T10:20:00Z'), { v2: 100 }],
    ]);
    // A page opened at 10:30 (after a reload) draws the earlier steps where they were.
    expect(weightsAt(timeline, at('2026-12-02T09:59:00Z'))).toEqual({ v1: 100 });
    expect(weightsAt(timeline, at('2026-12-02T10:05:00Z'))).toEqual({ v1: 70, v2: 30 });
    expect(weightsAt(timeline, at('2026-12-02T10:15:00Z'))).toEqual({ v1: 20, v2: 80 });
    expect(weightsAt(timeline, at('2026-12-02T10:31:00Z'))).toEqual({ v2: 100 });
  });

  it('adds what the page saw live that no history holds (a kubectl edit), from when it saw it', () => {
    const seen = [
      { since: at('2026-12-02T10:30:00Z'), weights: { v1: 0, v2: 100 } },
      { since: at('2026-12-02T10:32:00Z'), weights: { v1: 50, v2: 50 } },
    ];
    const timeline = configuredTimeline(recordedSteps(HISTORY), seen);
    // 0% for v1 is the same split as v1 missing: no new step at 10:30.
    expect(timeline.map((step) => step.since)).toEqual([Number.NEGATIVE_INFINITY, at('2026-12-02T10:00:00Z'), at('2026-12-02T10:10:00Z'), at('2026-12-02T10:20:00Z'), at('2026-12-02T10:32:00Z')]);
    expect(weightsAt(timeline, at('2026-12-02T10:33:00Z'))).toEqual({ v1: 50, v2: 50 });
  });

  it('a change that the page sees before its history entry arrives keeps the recorded time', () => {
    const seen = [
      { since: at('2026-12-02T10:05:00Z'), weights: { v1: 70, v2: 30 } },
      { since: at('2026-12-02T10:10:01Z'), weights: { v1: 20, v2: 80 } },
    ];
    const timeline = configuredTimeline(recordedSteps(HISTORY.slice(1)), seen);
    expect(timeline.map((step) => step.since)).toEqual([Number.NEGATIVE_INFINITY, at('2026-12-02T10:00:00Z'), at('2026-12-02T10:10:00Z')]);
  });

  it('without a history it is what the page has seen since it opened', () => {
    const seen = [{ since: at('2026-12-02T10:30:00Z'), weights: { v1: 90, v2: 10 } }];
    const timeline = configuredTimeline([], seen);
    expect(timeline).toEqual(seen);
    expect(weightsAt(timeline, at('2026-12-02T10:00:00Z'))).toEqual({ v1: 90, v2: 10 });
  });

  it("lists the steps in force during a window: the one holding at its start, then those inside", () => {
    const timeline = configuredTimeline(recordedSteps(HISTORY), []);
    const inWindow = stepsInWindow(timeline, at('2026-12-02T10:12:00Z'), at('2026-12-02T10:27:00Z'));
    expect(inWindow.map((step) => step.weights)).toEqual([{ v1: 20, v2: 80 }, { v2: 100 }]);
  });
});
