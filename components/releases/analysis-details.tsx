'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import type { AnalysisResult } from '@/lib/release/model';

const TONE = { pass: 'text-emerald-700', marginal: 'text-amber-700', fail: 'text-red-700' } as const;

/** The last analysis's baseline verdict and template checks, each with its numbers, in the reader's language. */
export function AnalysisDetails({ analysis }: { analysis: AnalysisResult }) {
  const { describe } = useI18n();
  if (!analysis.baseline && !analysis.checks?.length) return null;
  return (
    <ul className="space-y-0.5 text-xs" data-testid="release-analysis-details">
      {analysis.baseline && (
        <li className={TONE[analysis.baseline.verdict]} data-testid="release-baseline" data-verdict={analysis.baseline.verdict}>
          {describe({ code: analysis.baseline.code, params: analysis.baseline.params, message: analysis.baseline.reason })}
        </li>
      )}
      {analysis.checks?.map((check) => (
        <li key={check.template} className={check.passed ? TONE.pass : TONE.fail} data-testid="release-check" data-passed={check.passed}>
          {describe({ code: check.code, params: check.params, message: check.reason })}
        </li>
      ))}
    </ul>
  );
}
