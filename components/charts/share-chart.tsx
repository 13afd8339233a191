'use client';

import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { useI18n } from '@/components/i18n/i18n-provider';
import type { TrafficPoint } from '@/lib/metrics/service-metrics';
import { formatShare, formatTime } from './format';
import { weightsAt, type ConfiguredWeights } from './use-configured-history';
import { versionColor } from './version-colors';

interface ShareChartProps {
  versions: string[];
  series: TrafficPoint[];
  history: ConfiguredWeights[];
  rangeMinutes: number;
}

type Row = Record<string, number | undefined> & { t: number };

/**
 * One row per point: `s<i>` the observed share of version i (stacked), `c<i>` where the configured weights put
 * the boundary above version i (the running total), so each dashed step line sits where its band's top edge
 * should be. Indices, not names, as keys: Recharts reads dots in a dataKey as a path.
 */
function rowsOf(versions: string[], series: TrafficPoint[], history: ConfiguredWeights[]): Row[] {
  return series.map((point) => {
    const row: Row = { t: point.t };
    const weights = weightsAt(history, point.t);
    const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0) || 100;
    let boundary = 0;
    versions.forEach((version, index) => {
      if (Object.keys(point.share).length > 0) row[`s${index}`] = point.share[version] ?? 0;
      boundary += weights[version] ?? 0;
      row[`c${index}`] = boundary / total;
    });
    return row;
  });
}

/** Ticks on whole minutes, about five per range, so labels neither repeat nor crowd. */
function timeTicks(rows: Row[], rangeMinutes: number): number[] {
  if (rows.length === 0) return [];
  const every = Math.max(1, Math.round(rangeMinutes / 5)) * 60_000;
  const ticks: number[] = [];
  for (let tick = Math.ceil(rows[0]!.t / every) * every; tick <= rows.at(-1)!.t; tick += every) ticks.push(tick);
  return ticks;
}

/** Stacked area of observed share per version, with the configured weights as dashed step lines. */
export function ShareChart({ versions, series, history, rangeMinutes }: ShareChartProps) {
  const { t, locale } = useI18n();
  const rows = rowsOf(versions, series, history);
  return (
    <ComposedChart responsive data={rows} style={{ width: '100%', height: 240 }} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
      <CartesianGrid stroke="#e2e8f0" vertical={false} />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        ticks={timeTicks(rows, rangeMinutes)}
        tickFormatter={(value: number) => formatTime(locale, value)}
        tick={{ fontSize: 11, fill: '#64748b' }}
      />
      <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tickFormatter={(value: number) => formatShare(locale, value)} tick={{ fontSize: 11, fill: '#64748b' }} width={44} />
      <Tooltip
        labelFormatter={(value) => formatTime(locale, Number(value))}
        formatter={(value, name) => [formatShare(locale, Number(value)), String(name)]}
        filterNull
      />
      {versions.map((version, index) => (
        <Area
          key={`s${index}`}
          dataKey={`s${index}`}
          name={t('metrics.observedSeries', { version })}
          stackId="observed"
          type="linear"
          stroke={versionColor(index)}
          fill={versionColor(index)}
          fillOpacity={0.3}
          isAnimationActive={false}
        />
      ))}
      {versions.slice(0, -1).map((version, index) => (
        <Line
          key={`c${index}`}
          dataKey={`c${index}`}
          name={t('metrics.configuredSeries', { version })}
          type="stepAfter"
          stroke={versionColor(index)}
          strokeWidth={2}
          strokeDasharray="6 4"
          dot={false}
          isAnimationActive={false}
          tooltipType="none"
        />
      ))}
    </ComposedChart>
  );
}
