/**
 * What every bench writes: its figures as JSON in `.cache/bench/<name>.json`, `{ "figures": [...] }`, which
 * `bench/run.ts` gathers into one table. A ratio is value / baseline, both measured in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_CACHE } from './console.ts';

export interface Figure {
  /** Issue 16's figure id (P1, P2, …), with a suffix where one id has several figures. */
  id: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  /** As the issue states it: `≤ 0.25×` compares the ratio, `≤ 300 ms` / `≤ 20` the value. */
  target?: string;
  /** Set when the target is not a plain comparison (e.g. "the first screen before the whole list"). */
  met?: boolean;
  /** What the figure was measured on (N, runs, …). */
  note?: string;
}

export function ratio(value: number, baseline: number): number {
  return baseline > 0 ? value / baseline : NaN;
}

/** The median and the 95th percentile (nearest rank) of some samples. */
export function percentiles(samples: number[]): { p50: number; p95: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { p50: rank(0.5), p95: rank(0.95), min: sorted[0]!, max: sorted.at(-1)! };
}

export function median(samples: number[]): number {
  return percentiles(samples).p50;
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 })}${unit ? ` ${unit}` : ''}`;
}

/** Writes `.cache/bench/<name>.json` and prints the figures, so a bench run alone still shows them. */
export function writeFigures(name: string, figures: Figure[]): void {
  mkdirSync(BENCH_CACHE, { recursive: true });
  writeFileSync(join(BENCH_CACHE, `${name}.json`), `${JSON.stringify({ figures }, null, 2)}\n`);
  for (const figure of figures) {
    const against = figure.baseline === undefined ? '' : ` (baseline ${formatValue(figure.baseline, figure.unit)}, ratio ${figure.ratio?.toFixed(2)}×)`;
    console.log(`${figure.id} ${figure.name}: ${formatValue(figure.value, figure.unit)}${against}${figure.target ? `; target ${figure.target}` : ''}${figure.note ? ` [${figure.note}]` : ''}`);
  }
}
