'use client';

import { useQuery } from '@tanstack/react-query';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button, Field, inputClass } from '@/components/ui/field';
import { fetchJson } from '@/lib/client/api';
import { DEFAULT_BASELINE, type BaselineSettings, type MetricCheck, type MetricTemplateItem } from '@/lib/release/checks';
import type { ServiceRef } from '@/components/services/use-release';

type Analysis = { checks?: MetricCheck[]; baseline?: BaselineSettings };

const optionalNumber = (value: string) => (value.trim() === '' ? undefined : Number(value));

/**
 * The progressive wizard's checks beyond the built-in two: the namespace's metric templates (each can be added as
 * a check with a range and a minimum request volume) and the baseline judge.
 */
export function TemplateChecks({ service, analysis, errors, onChange }: { service: ServiceRef; analysis: Analysis; errors: Record<string, string>; onChange: (patch: Analysis) => void }) {
  const { t } = useI18n();
  const templates = useQuery({
    queryKey: ['metric-templates', service.cluster, service.namespace],
    queryFn: () => fetchJson<MetricTemplateItem[]>(`/api/metric-templates/${encodeURIComponent(service.cluster)}/${encodeURIComponent(service.namespace)}`),
  });
  const checks = analysis.checks ?? [];
  const setCheck = (index: number, patch: Partial<MetricCheck>) => onChange({ checks: checks.map((check, i) => (i === index ? { ...check, ...patch } : check)) });
  const checkNumber = (index: number, id: 'min' | 'max' | 'minRequests') => {
    const fieldId = `check-${index}-${id}`;
    const value = checks[index]![id];
    return (
      <Field label={t(id === 'min' ? 'progressive.checkMin' : id === 'max' ? 'progressive.checkMax' : 'progressive.checkMinRequests')} htmlFor={fieldId} error={errors[`analysis.checks.${index}.${id}`]}>
        <input id={fieldId} type="number" className={inputClass} value={value === undefined || Number.isNaN(value) ? '' : value} onChange={(event) => setCheck(index, { [id]: optionalNumber(event.target.value) })} />
      </Field>
    );
  };
  const baseline = analysis.baseline;
  const baselineNumber = (id: keyof BaselineSettings) => (
    <Field label={t(`progressive.${id}`)} htmlFor={id} error={errors[`analysis.baseline.${id}`]}>
      <input id={id} type="number" step="0.1" className={inputClass} value={Number.isNaN(baseline![id]) ? '' : baseline![id]} onChange={(event) => onChange({ baseline: { ...baseline!, [id]: event.target.value === '' ? Number.NaN : Number(event.target.value) } })} />
    </Field>
  );

  return (
    <section className="mt-4 space-y-3" data-testid="template-checks">
      <h3 className="text-sm font-medium text-slate-700">{t('progressive.checks')}</h3>
      {templates.data?.length === 0 && <p className="text-xs text-slate-500">{t('progressive.noTemplates')}</p>}
      <ul className="space-y-1">
        {templates.data?.map((template) => (
          <li key={template.name} className="flex items-center justify-between gap-2 text-xs" data-testid="metric-template">
            <span className="min-w-0">
              <span className="font-medium">{template.name}</span>
              {template.description && <span className="text-slate-600"> · {template.description}</span>}
              <code className="block truncate text-slate-500" title={template.query}>
                {template.query}
              </code>
            </span>
            <Button tone="secondary" onClick={() => checks.some((check) => check.template === template.name) || onChange({ checks: [...checks, { template: template.name }] })} aria-disabled={checks.some((check) => check.template === template.name)}>
              {t('progressive.addCheck', { template: template.name })}
            </Button>
          </li>
        ))}
      </ul>
      {checks.map((check, index) => (
        <div key={check.template} className="rounded-md border border-slate-200 p-2" data-testid="template-check">
          <div className="mb-2 flex items-center justify-between text-sm">
            <span className="font-medium">{check.template}</span>
            <Button tone="secondary" onClick={() => onChange({ checks: checks.filter((_, i) => i !== index) })}>
              {t('progressive.removeCheck')}
            </Button>
          </div>
          {errors[`analysis.checks.${index}.template`] && (
            <p role="alert" className="mb-2 text-xs font-medium text-red-700" data-testid={`error-check-${index}`}>
              {errors[`analysis.checks.${index}.template`]}
            </p>
          )}
          <div className="grid grid-cols-3 gap-2">
            {checkNumber(index, 'min')}
            {checkNumber(index, 'max')}
            {checkNumber(index, 'minRequests')}
          </div>
        </div>
      ))}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" data-testid="baseline-toggle" checked={Boolean(baseline)} onChange={(event) => onChange({ baseline: event.target.checked ? { ...DEFAULT_BASELINE } : undefined })} />
        {t('progressive.baseline')}
      </label>
      {baseline && (
        <div className="grid grid-cols-2 gap-4">
          {baselineNumber('maxSuccessRateDrop')}
          {baselineNumber('p99TolerancePercent')}
        </div>
      )}
    </section>
  );
}
