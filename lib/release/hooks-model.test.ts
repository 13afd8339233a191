import { describe, expect, it } from 'vitest';
import { fieldErrors } from '@/lib/http/errors';
import { hookUrl, receiversOf, withEvent, type ReleaseHook } from './hooks-model';
import { DEFAULT_SETTINGS, progressiveSettings, type ReleaseStatus } from './model';

const codeOf = (value: string) => {
  const parsed = hookUrl.safeParse(value);
  return parsed.success ? 'ok' : fieldErrors(parsed.error)[0]!.code;
};

describe('hook URLs', () => {
  it('takes http and https URLs without credentials, and names what is wrong with the rest', () => {
    expect(codeOf('http://127.0.0.1:8080/hook')).toBe('ok');
    expect(codeOf('https://hooks.example.com/services/T000/B000')).toBe('ok');
    expect(codeOf('ftp://example.com/x')).toBe('field.hookUrlScheme');
    expect(codeOf('javascript:alert(1)')).toBe('field.hookUrlScheme');
    expect(codeOf('https://user:secret@example.com/')).toBe('field.hookUrlCredentials');
    expect(codeOf('https://token@example.com/')).toBe('field.hookUrlCredentials');
    expect(codeOf('not a url')).toBe('field.hookUrl');
  });

  it('refuses two hooks of one name in the settings', () => {
    const hook = { name: 'gate', type: 'confirm-promotion', url: 'http://127.0.0.1/x' } as const;
    const parsed = progressiveSettings.safeParse({ ...DEFAULT_SETTINGS, stableVersion: 'v1', grayVersion: 'v2', hooks: [hook, hook] });
    expect(parsed.success).toBe(false);
    expect(fieldErrors(parsed.error!)).toEqual([expect.objectContaining({ field: 'hooks.1.name', code: 'field.hookNameTaken' })]);
  });
});

describe('release events', () => {
  const hooks: ReleaseHook[] = [
    { name: 'events', type: 'event', url: 'http://127.0.0.1/e' },
    { name: 'after', type: 'post-rollout', url: 'http://127.0.0.1/p' },
    { name: 'gate', type: 'confirm-promotion', url: 'http://127.0.0.1/g' },
  ];
  const spec = { service: 'podinfo', grayVersion: 'v2', stableVersion: 'v1', hooks, notifications: [{ name: 'chat', url: 'http://127.0.0.1/c', format: 'chat' as const }] };

  it('go to notifications and event hooks, and to post-rollout hooks once the release ends; never to gating hooks', () => {
    expect(receiversOf(spec, 'step')).toEqual(['notification:chat', 'hook:events']);
    expect(receiversOf(spec, 'rolled-back')).toEqual(['notification:chat', 'hook:events', 'hook:after']);
  });

  it('are one outbox item per run and event, however often the same change is recorded', () => {
    const fresh: ReleaseStatus = { run: { id: 'r1', startedBy: 'alice', startedAt: '2026-01-01T00:00:00Z' } };
    const once = withEvent(fresh, spec, { kind: 'step', step: 2, weight: 20 }, '2026-01-01T00:00:00Z');
    const twice = withEvent(once, spec, { kind: 'step', step: 2, weight: 20 }, '2026-01-01T00:00:01Z');
    expect(twice.outbox).toHaveLength(1);
    expect(twice.outbox![0]).toMatchObject({ id: 'r1-step-2', attempts: 0, to: ['notification:chat', 'hook:events'] });
    expect(withEvent(fresh, { service: 'podinfo' }, { kind: 'started' }, '2026-01-01T00:00:00Z').outbox).toBeUndefined();
  });
});
