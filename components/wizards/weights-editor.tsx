'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { distributeEvenly, setWeight, type Weights } from '@/lib/mesh/weights';

interface WeightsEditorProps {
  weights: Weights;
  onChange: (weights: Weights) => void;
  locked: ReadonlySet<string>;
  onLockedChange: (locked: Set<string>) => void;
  errors: Record<string, string>;
}

/** N-way weights: a slider and a number per version, locks, and "distribute evenly"; the sum stays 100. */
export function WeightsEditor({ weights, onChange, locked, onLockedChange, errors }: WeightsEditorProps) {
  const { t } = useI18n();
  const sum = Object.values(weights).reduce((total, value) => total + value, 0);
  return (
    <div className="space-y-3" data-testid="weights-editor">
      {Object.entries(weights).map(([name, value]) => {
        const error = errors[`weights.${name}`];
        // The slider and the number are two views of one value.
        const shared = {
          min: 0,
          max: 100,
          step: 1,
          value,
          disabled: locked.has(name),
          onChange: (event: React.ChangeEvent<HTMLInputElement>) => onChange(setWeight(weights, name, Number(event.target.value), locked)),
        };
        return (
          <div key={name}>
            <div className="flex items-center gap-3">
              <span className="w-20 font-medium">{name}</span>
              <input type="range" {...shared} aria-label={t('weights.sliderLabel', { version: name })} className="flex-1 accent-brand-600" />
              <input
                type="number"
                {...shared}
                id={`weight-${name}`}
                aria-label={t('weights.inputLabel', { version: name })}
                aria-invalid={Boolean(error)}
                className="w-20 rounded-md border border-slate-300 px-2 py-1 text-right text-sm tabular-nums"
              />
              <span className="text-sm text-slate-500">%</span>
              <label className="flex items-center gap-1 text-xs text-slate-600">
                <input
                  type="checkbox"
                  checked={locked.has(name)}
                  onChange={(event) => {
                    const next = new Set(locked);
                    if (event.target.checked) next.add(name);
                    else next.delete(name);
                    onLockedChange(next);
                  }}
                />
                {t('weights.lock')}
              </label>
            </div>
            {error && (
              <p role="alert" className="ml-23 mt-1 text-xs font-medium text-red-700" data-testid={`error-weights-${name}`}>
                {name}: {error}
              </p>
            )}
          </div>
        );
      })}
      <div className="flex items-center justify-between text-sm">
        <button type="button" className="font-medium text-brand-700 hover:underline" onClick={() => onChange(distributeEvenly(weights, locked))}>
          {t('weights.distributeEvenly')}
        </button>
        <span className={sum === 100 ? 'text-slate-500' : 'font-semibold text-red-700'} data-testid="weights-sum">
          {t('weights.sum', { sum })}
        </span>
      </div>
      {errors.weights && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {errors.weights}
        </p>
      )}
    </div>
  );
}
