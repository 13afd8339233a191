'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { inputClass } from '@/components/ui/field';
import { cookieRegex } from '@/lib/mesh/intents';
import type { ContentCondition, ContentPolicy, HeaderOperator } from '@/lib/mesh/types';

export const GRAY_COOKIE_REGEX = cookieRegex('gray', 'true');

export function emptyPolicy(): ContentPolicy {
  return { match: 'any', conditions: [{ on: 'cookie', operator: 'regex', value: GRAY_COOKIE_REGEX }] };
}

interface ContentRuleEditorProps {
  policy: ContentPolicy;
  onChange: (policy: ContentPolicy) => void;
  errors: Record<string, string>;
  /** Where errors for this policy live in the intent, e.g. `policy`. */
  path: string;
  /** The header operators the service's routing API can express (HTTPRoute has no prefix match). */
  operators: HeaderOperator[];
  /** The API's name, to say why an operator is missing. */
  provider: string;
}

/** Header / cookie conditions joined by "all" or "any": requests that match go to the gray version. */
export function ContentRuleEditor({ policy, onChange, errors, path, operators, provider }: ContentRuleEditorProps) {
  const { t } = useI18n();
  const update = (index: number, condition: ContentCondition) =>
    onChange({ ...policy, conditions: policy.conditions.map((current, i) => (i === index ? condition : current)) });
  return (
    <div className="space-y-3" data-testid="content-rule-editor">
      <fieldset className="flex gap-4 text-sm">
        <legend className="sr-only">{t('rules.combine')}</legend>
        {(['any', 'all'] as const).map((match) => (
          <label key={match} className="flex items-center gap-1">
            <input type="radio" name={`${path}-match`} checked={policy.match === match} onChange={() => onChange({ ...policy, match })} />
            {t(`rules.match.${match}`)}
          </label>
        ))}
      </fieldset>
      {policy.conditions.map((condition, index) => {
        const prefix = `${path}.conditions.${index}`;
        return (
          <div key={index} className="rounded-md border border-slate-200 p-3">
            <div className="flex flex-wrap items-center gap-2">
              <select
                aria-label={t('rules.conditionType')}
                value={condition.on}
                onChange={(event) =>
                  update(index, event.target.value === 'cookie' ? { on: 'cookie', operator: 'regex', value: GRAY_COOKIE_REGEX } : { on: 'header', name: 'end-user', operator: 'exact', value: 'asm' })
                }
                className="rounded-md border border-slate-300 px-2 py-1 text-sm"
              >
                <option value="cookie">{t('rules.cookie')}</option>
                <option value="header">{t('rules.header')}</option>
              </select>
              {condition.on === 'header' && (
                <>
                  <input
                    aria-label={t('rules.headerName')}
                    placeholder={t('rules.headerName')}
                    value={condition.name}
                    onChange={(event) => update(index, { ...condition, name: event.target.value })}
                    className={`${inputClass} w-40`}
                  />
                  <select
                    aria-label={t('rules.operator')}
                    value={condition.operator}
                    onChange={(event) => update(index, { ...condition, operator: event.target.value as HeaderOperator })}
                    className="rounded-md border border-slate-300 px-2 py-1 text-sm"
                  >
                    {operators.map((operator) => (
                      <option key={operator} value={operator}>
                        {t(`operator.${operator}`)}
                      </option>
                    ))}
                  </select>
                </>
              )}
              <input
                aria-label={condition.on === 'cookie' ? t('rules.cookieRegex') : t('rules.value')}
                placeholder={condition.on === 'cookie' ? t('rules.cookieRegex') : t('rules.value')}
                value={condition.value}
                aria-invalid={Boolean(errors[`${prefix}.value`])}
                onChange={(event) => update(index, { ...condition, value: event.target.value })}
                className={`${inputClass} min-w-48 flex-1 font-mono`}
              />
              <button
                type="button"
                aria-label={t('rules.remove')}
                disabled={policy.conditions.length === 1}
                onClick={() => onChange({ ...policy, conditions: policy.conditions.filter((_, i) => i !== index) })}
                className="text-sm text-slate-500 hover:text-red-700 disabled:opacity-30"
              >
                ✕
              </button>
            </div>
            {condition.on === 'cookie' && <p className="mt-1 text-xs text-slate-500">{t('rules.cookieHint')}</p>}
            {condition.on === 'header' && !operators.includes('prefix') && <p className="mt-1 text-xs text-slate-500">{t('rules.noPrefix', { provider })}</p>}
            {[`${prefix}.value`, `${prefix}.name`, prefix].map((key) =>
              errors[key] ? (
                <p key={key} role="alert" className="mt-1 text-xs font-medium text-red-700">
                  {errors[key]}
                </p>
              ) : null,
            )}
          </div>
        );
      })}
      <button
        type="button"
        className="text-sm font-medium text-brand-700 hover:underline"
        onClick={() => onChange({ ...policy, conditions: [...policy.conditions, { on: 'header', name: 'end-user', operator: 'exact', value: 'asm' }] })}
      >
        {t('rules.add')}
      </button>
      {errors[`${path}.conditions`] && <p className="text-xs font-medium text-red-700">{errors[`${path}.conditions`]}</p>}
    </div>
  );
}
