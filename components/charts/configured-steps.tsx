'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { stepsInWindow, type ConfiguredWeights } from './configured-timeline';
import { formatClock } from './format';

/** Key-sorted JSON of a split, so tests and humans can compare it: {"v1":80,"v2":20}. */
function weightsAttribute(weights: Record<string, number>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(weights).sort().map((version) => [version, weights[version]])));
}

/**
 * The chart's dashed configured line as text: each split in force during the chart's window and since when.
 * Screen readers get what the line draws; it is the same timeline the line is drawn from.
 */
export function ConfiguredSteps({ timeline, rangeMinutes }: { timeline: readonly ConfiguredWeights[]; rangeMinutes: number }) {
  const { t, locale } = useI18n();
  const now = Date.now();
  const from = now - rangeMinutes * 60_000;
  const steps = stepsInWindow(timeline, from, now);
  return (
    <table className="sr-only" data-testid="configured-steps">
      <caption>{t('metrics.configuredSteps', { minutes: rangeMinutes })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('metrics.configuredSince')}</th>
          <th scope="col">{t('metrics.configuredWeights')}</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => (
          <tr key={step.since} data-testid="configured-step" data-since={Number.isFinite(step.since) ? step.since : ''} data-weights={weightsAttribute(step.weights)}>
            <td>{step.since < from ? t('metrics.configuredBeforeWindow') : formatClock(locale, step.since)}</td>
            <td>
              {Object.entries(step.weights)
                .map(([version, weight]) => `${version} ${weight}%`)
                .join(' / ') || '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
