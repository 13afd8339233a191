'use client';

import { useId, useState, type KeyboardEvent } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Field, inputClass } from '@/components/ui/field';
import { VersionOptions } from '@/components/versions/version-options';
import type { ServiceRef } from '@/components/services/use-release';
import type { Intent } from '@/lib/mesh/intents';
import type { ContentPolicy, ReleaseView } from '@/lib/mesh/types';
import type { Weights } from '@/lib/mesh/weights';
import { ContentRuleEditor, emptyPolicy } from './content-rule-editor';
import { describeWeightChange } from './describe-split';
import { WeightsEditor } from './weights-editor';
import { WizardShell } from './wizard-shell';

type Tab = 'weights' | 'content' | 'mirror';
const TABS: readonly Tab[] = ['weights', 'content', 'mirror'];

/** Edit the gray policy: N-way weights, the content rule (header / cookie) of one version, or a mirror to one. */
export function EditPolicyWizard({
  service,
  view,
  onClose,
  initialTab = 'weights',
}: {
  service: ServiceRef;
  view: ReleaseView;
  onClose: () => void;
  initialTab?: Tab;
}) {
  const { t } = useI18n();
  const current: Weights = Object.fromEntries(view.versions.map((version) => [version.name, version.weight]));
  const { contentRules, mirror: mirroring } = view.capabilities;
  const [tab, setTab] = useState<Tab>(contentRules.supported ? initialTab : 'weights');
  const [weights, setWeights] = useState<Weights>(current);
  const [locked, setLocked] = useState<Set<string>>(new Set());
  const grayVersions = view.versions.filter((version) => version.role === 'gray');
  const [ruleVersion, setRuleVersion] = useState(grayVersions[0]?.name ?? view.versions[0]?.name ?? '');
  const existing = view.versions.find((version) => version.name === ruleVersion)?.rules[0]?.policy;
  const [policy, setPolicy] = useState<ContentPolicy>(existing ?? emptyPolicy());
  const [removeRule, setRemoveRule] = useState(false);
  const [mirrorVersion, setMirrorVersion] = useState(view.mirror?.version ?? grayVersions[0]?.name ?? '');
  const [mirrorPercent, setMirrorPercent] = useState(view.mirror?.percent ?? 100);
  const [stopMirror, setStopMirror] = useState(false);
  const unsupported = (name: Tab) => (name === 'content' && !contentRules.supported) || (name === 'mirror' && !mirroring.supported);

  const tabsId = useId();
  const enabledTabs = TABS.filter((name) => !unsupported(name));

  function moveBetweenTabs(event: KeyboardEvent<HTMLDivElement>) {
    const index = enabledTabs.indexOf(tab);
    const next =
      event.key === 'ArrowRight' ? enabledTabs[(index + 1) % enabledTabs.length]
      : event.key === 'ArrowLeft' ? enabledTabs[(index - 1 + enabledTabs.length) % enabledTabs.length]
      : event.key === 'Home' ? enabledTabs[0]
      : event.key === 'End' ? enabledTabs.at(-1)
      : undefined;
    if (!next) return;
    event.preventDefault();
    setTab(next);
    document.getElementById(`${tabsId}-${next}`)?.focus();
  }

  const change = describeWeightChange(current, weights);
  const applyLabel =
    tab === 'weights'
      ? change.kind === 'move'
        ? t('edit.applyMove', { amount: change.amount, version: change.to })
        : t('edit.applySet', { split: change.split })
      : tab === 'mirror'
        ? stopMirror
          ? t('mirror.stop', { version: view.mirror?.version ?? '' })
          : t('mirror.apply', { percent: mirrorPercent, version: mirrorVersion })
        : removeRule
          ? t('edit.applyRemoveRule', { version: ruleVersion })
          : t('edit.applyRule', { version: ruleVersion });

  const build = (): Intent =>
    tab === 'weights'
      ? { type: 'set-weights', expected: view.splitEtag, weights }
      : tab === 'mirror'
        ? { type: 'set-mirror', expected: view.splitEtag, version: stopMirror ? null : mirrorVersion, percent: mirrorPercent }
        : { type: 'set-content-rule', expected: view.splitEtag, version: ruleVersion, policy: removeRule ? null : policy };

  return (
    <WizardShell title={t('edit.title', { service: view.host })} service={service} view={view} onClose={onClose} applyLabel={applyLabel} build={build}>
      {(errors) => (
        <div className="space-y-4">
          <div role="tablist" aria-label={t('edit.tabs')} className="flex gap-1 border-b border-slate-200" onKeyDown={moveBetweenTabs}>
            {TABS.map((name) => (
              <button
                key={name}
                role="tab"
                type="button"
                id={`${tabsId}-${name}`}
                aria-controls={`${tabsId}-panel`}
                aria-selected={tab === name}
                // One tab stop for the row; the arrow keys move between the tabs (WAI-ARIA tabs pattern).
                tabIndex={tab === name ? 0 : -1}
                disabled={unsupported(name)}
                title={
                  name === 'content' && !contentRules.supported
                    ? t('capability.weight-only', { provider: view.provider.name })
                    : name === 'mirror' && !mirroring.supported
                      ? t('capability.noMirror', { provider: view.provider.name })
                      : undefined
                }
                onClick={() => setTab(name)}
                className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium disabled:cursor-not-allowed disabled:text-slate-400 ${tab === name ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-600'}`}
              >
                {t(`edit.tab.${name}`)}
              </button>
            ))}
          </div>
          {!contentRules.supported && (
            <p className="text-xs text-slate-500" data-testid="weight-only">
              {t('capability.weight-only', { provider: view.provider.name })}
            </p>
          )}
          <div role="tabpanel" id={`${tabsId}-panel`} aria-labelledby={`${tabsId}-${tab}`} className="space-y-4">
          {tab === 'weights' ? (
            <>
              <p className="text-sm text-slate-600">{t('edit.weightsIntro')}</p>
              <WeightsEditor weights={weights} onChange={setWeights} locked={locked} onLockedChange={setLocked} errors={errors} />
            </>
          ) : tab === 'mirror' ? (
            <>
              <p className="text-sm text-slate-600">{t('mirror.intro')}</p>
              {view.mirror && (
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={stopMirror} onChange={(event) => setStopMirror(event.target.checked)} />
                  {t('mirror.stopLabel', { version: view.mirror.version, percent: view.mirror.percent })}
                </label>
              )}
              {!stopMirror && (
                <div className="grid grid-cols-2 gap-3">
                  <Field label={t('mirror.version')} htmlFor="mirror-version" error={errors.version}>
                    <select id="mirror-version" className={inputClass} value={mirrorVersion} onChange={(event) => setMirrorVersion(event.target.value)}>
                      <VersionOptions versions={view.versions} />
                    </select>
                  </Field>
                  <Field label={t('mirror.percent')} htmlFor="mirror-percent" error={errors.percent}>
                    <input id="mirror-percent" type="number" min={0.1} max={100} step="any" className={inputClass} value={mirrorPercent} onChange={(event) => setMirrorPercent(Number(event.target.value))} />
                  </Field>
                </div>
              )}
            </>
          ) : (
            <>
              <p className="text-sm text-slate-600">{t('edit.contentIntro')}</p>
              <label className="flex items-center gap-2 text-sm">
                {t('edit.ruleVersion')}
                <select
                  value={ruleVersion}
                  onChange={(event) => {
                    setRuleVersion(event.target.value);
                    setPolicy(view.versions.find((v) => v.name === event.target.value)?.rules[0]?.policy ?? emptyPolicy());
                  }}
                  className="rounded-md border border-slate-300 px-2 py-1"
                >
                  {view.versions.map((version) => (
                    <option key={version.name} value={version.name}>
                      {version.name}
                    </option>
                  ))}
                </select>
              </label>
              {existing && (
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={removeRule} onChange={(event) => setRemoveRule(event.target.checked)} />
                  {t('edit.removeRule')}
                </label>
              )}
              {!removeRule && <ContentRuleEditor policy={policy} onChange={setPolicy} errors={errors} path="policy" operators={contentRules.operators} provider={view.provider.name} />}
              {errors.version && <p role="alert" className="text-xs font-medium text-red-700">{errors.version}</p>}
            </>
          )}
          </div>
        </div>
      )}
    </WizardShell>
  );
}
