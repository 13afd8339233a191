'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button, Field, inputClass } from '@/components/ui/field';
import { HOOK_TYPES, type ReleaseHook, type ReleaseNotification } from '@/lib/release/hooks-model';

type SecretHeader = NonNullable<ReleaseHook['secretHeader']>;

/** Header name, Secret and key of a hook's secret header: the value itself is never typed or shown here. */
function SecretHeaderFields({ id, value, errors, onChange }: { id: string; value?: SecretHeader; errors: Record<string, string>; onChange: (next: SecretHeader | undefined) => void }) {
  const { t } = useI18n();
  const current = value ?? { header: 'Authorization', secretRef: { name: '', key: '' } };
  return (
    <div className="col-span-2 space-y-2">
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={Boolean(value)} onChange={(event) => onChange(event.target.checked ? current : undefined)} />
        {t('hooks.secretHeader')}
      </label>
      {value && (
        <div className="grid grid-cols-3 gap-2">
          <Field label={t('hooks.header')} htmlFor={`${id}-header`} error={errors[`${id}.secretHeader.header`]}>
            <input id={`${id}-header`} className={inputClass} value={value.header} onChange={(event) => onChange({ ...value, header: event.target.value.trim() })} />
          </Field>
          <Field label={t('hooks.secretName')} htmlFor={`${id}-secret`} error={errors[`${id}.secretHeader.secretRef.name`]}>
            <input id={`${id}-secret`} className={inputClass} value={value.secretRef.name} onChange={(event) => onChange({ ...value, secretRef: { ...value.secretRef, name: event.target.value.trim() } })} />
          </Field>
          <Field label={t('hooks.secretKey')} htmlFor={`${id}-key`} error={errors[`${id}.secretHeader.secretRef.key`]}>
            <input id={`${id}-key`} className={inputClass} value={value.secretRef.key} onChange={(event) => onChange({ ...value, secretRef: { ...value.secretRef, key: event.target.value.trim() } })} />
          </Field>
          <p className="col-span-3 text-xs text-slate-500">{t('hooks.secretHint')}</p>
        </div>
      )}
    </div>
  );
}

/** `rps=600, seconds=30` → `{ rps: '600', seconds: '30' }`; a piece without `=` is left out (and kept in the text). */
export function parseMetadata(text: string): Record<string, string> | undefined {
  const entries = text
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece.includes('='))
    .map((piece) => [piece.slice(0, piece.indexOf('=')).trim(), piece.slice(piece.indexOf('=') + 1).trim()] as const)
    .filter(([key]) => key.length > 0);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** What a hook sends as `metadata` (a load tester's rate and duration, say), typed as `key=value` pairs. */
function MetadataField({ id, value, error, onChange }: { id: string; value?: Record<string, string>; error?: string; onChange: (next: Record<string, string> | undefined) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => Object.entries(value ?? {}).map(([key, item]) => `${key}=${item}`).join(', '));
  return (
    <div className="col-span-2">
      <Field label={t('hooks.metadata')} htmlFor={`${id}-metadata`} error={error} hint={t('hooks.metadataHint')}>
        <input
          id={`${id}-metadata`}
          className={`${inputClass} font-mono`}
          value={text}
          placeholder="rps=600, seconds=30"
          onChange={(event) => {
            setText(event.target.value);
            onChange(parseMetadata(event.target.value));
          }}
        />
      </Field>
    </div>
  );
}

/**
 * The progressive wizard's webhooks and notifications: each hook's point, URL, timeout, retries and optional
 * secret header; each notification's URL and format. Errors arrive keyed by path (`hooks.0.url`).
 */
export function HookFields({
  hooks,
  notifications,
  errors,
  onChange,
}: {
  hooks: ReleaseHook[];
  notifications: ReleaseNotification[];
  errors: Record<string, string>;
  onChange: (next: { hooks: ReleaseHook[]; notifications: ReleaseNotification[] }) => void;
}) {
  const { t } = useI18n();
  const setHook = (index: number, patch: Partial<ReleaseHook>) => onChange({ hooks: hooks.map((hook, i) => (i === index ? { ...hook, ...patch } : hook)), notifications });
  const setNotification = (index: number, patch: Partial<ReleaseNotification>) =>
    onChange({ hooks, notifications: notifications.map((item, i) => (i === index ? { ...item, ...patch } : item)) });
  const retries = (value: string) => (value === '' ? undefined : Number(value));

  return (
    <fieldset className="mt-4 space-y-3 rounded-md border border-slate-200 p-3" data-testid="hook-fields">
      <legend className="px-1 text-sm font-medium text-slate-700">{t('hooks.title')}</legend>
      <p className="text-xs text-slate-600">{t('hooks.explain')}</p>
      {hooks.map((hook, index) => {
        const id = `hooks.${index}`;
        return (
          <div key={index} className="grid grid-cols-2 gap-2 border-t border-slate-100 pt-2" data-testid={`hook-${index}`}>
            <Field label={t('hooks.name')} htmlFor={`${id}-name`} error={errors[`${id}.name`]}>
              <input id={`${id}-name`} className={inputClass} value={hook.name} aria-invalid={Boolean(errors[`${id}.name`])} onChange={(event) => setHook(index, { name: event.target.value.trim() })} />
            </Field>
            <Field label={t('hooks.type')} htmlFor={`${id}-type`} error={errors[`${id}.type`]}>
              <select id={`${id}-type`} className={inputClass} value={hook.type} onChange={(event) => setHook(index, { type: event.target.value as ReleaseHook['type'] })}>
                {HOOK_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`hooks.type.${type}`)}
                  </option>
                ))}
              </select>
            </Field>
            <div className="col-span-2">
              <Field label={t('hooks.url')} htmlFor={`${id}-url`} error={errors[`${id}.url`]}>
                <input id={`${id}-url`} type="url" className={inputClass} value={hook.url} aria-invalid={Boolean(errors[`${id}.url`])} onChange={(event) => setHook(index, { url: event.target.value.trim() })} />
              </Field>
            </div>
            <Field label={t('hooks.timeout')} htmlFor={`${id}-timeout`} error={errors[`${id}.timeout`]}>
              <input id={`${id}-timeout`} className={inputClass} value={hook.timeout ?? ''} placeholder="5s" onChange={(event) => setHook(index, { timeout: event.target.value.trim() || undefined })} />
            </Field>
            <Field label={t('hooks.retries')} htmlFor={`${id}-retries`} error={errors[`${id}.retries`]}>
              <input id={`${id}-retries`} type="number" min={0} max={5} className={inputClass} value={hook.retries ?? ''} placeholder="0" onChange={(event) => setHook(index, { retries: retries(event.target.value) })} />
            </Field>
            <MetadataField id={id} value={hook.metadata} error={errors[`${id}.metadata`]} onChange={(metadata) => setHook(index, { metadata })} />
            <SecretHeaderFields id={id} value={hook.secretHeader} errors={errors} onChange={(secretHeader) => setHook(index, { secretHeader })} />
            <div className="col-span-2 flex justify-end">
              <Button tone="secondary" onClick={() => onChange({ hooks: hooks.filter((_, i) => i !== index), notifications })}>
                {t('hooks.remove', { name: hook.name || String(index + 1) })}
              </Button>
            </div>
          </div>
        );
      })}
      {notifications.map((item, index) => {
        const id = `notifications.${index}`;
        return (
          <div key={`n${index}`} className="grid grid-cols-2 gap-2 border-t border-slate-100 pt-2" data-testid={`notification-${index}`}>
            <Field label={t('hooks.name')} htmlFor={`${id}-name`} error={errors[`${id}.name`]}>
              <input id={`${id}-name`} className={inputClass} value={item.name} onChange={(event) => setNotification(index, { name: event.target.value.trim() })} />
            </Field>
            <Field label={t('hooks.format')} htmlFor={`${id}-format`} error={errors[`${id}.format`]}>
              <select id={`${id}-format`} className={inputClass} value={item.format} onChange={(event) => setNotification(index, { format: event.target.value as ReleaseNotification['format'] })}>
                <option value="json">{t('hooks.format.json')}</option>
                <option value="chat">{t('hooks.format.chat')}</option>
              </select>
            </Field>
            <div className="col-span-2">
              <Field label={t('hooks.url')} htmlFor={`${id}-url`} error={errors[`${id}.url`]}>
                <input id={`${id}-url`} type="url" className={inputClass} value={item.url} aria-invalid={Boolean(errors[`${id}.url`])} onChange={(event) => setNotification(index, { url: event.target.value.trim() })} />
              </Field>
            </div>
            <SecretHeaderFields id={id} value={item.secretHeader} errors={errors} onChange={(secretHeader) => setNotification(index, { secretHeader })} />
            <div className="col-span-2 flex justify-end">
              <Button tone="secondary" onClick={() => onChange({ hooks, notifications: notifications.filter((_, i) => i !== index) })}>
                {t('hooks.remove', { name: item.name || String(index + 1) })}
              </Button>
            </div>
          </div>
        );
      })}
      <div className="flex gap-2">
        <Button tone="secondary" onClick={() => onChange({ hooks: [...hooks, { name: `hook-${hooks.length + 1}`, type: 'confirm-promotion', url: '' }], notifications })}>
          {t('hooks.add')}
        </Button>
        <Button tone="secondary" onClick={() => onChange({ hooks, notifications: [...notifications, { name: `notify-${notifications.length + 1}`, url: '', format: 'chat' }] })}>
          {t('hooks.addNotification')}
        </Button>
      </div>
    </fieldset>
  );
}
