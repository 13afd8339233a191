'use client';

import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import { Button, Field, inputClass } from '@/components/ui/field';
import { HOME_PATH, safeReturnPath } from '@/lib/auth/return-path';
import { ApiError, fetchJson } from '@/lib/client/api';

/** Sign-in: single sign-on (OIDC), a sandbox user (dev strategy) or a pasted Kubernetes bearer token. Nothing is kept in the browser. */
export function LoginForm({ strategies, devUsers }: { strategies: string[]; devUsers: string[] }) {
  const { t, describe } = useI18n();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [ssoHref, setSsoHref] = useState('/api/auth/oidc/start');

  // The page to return to after single sign-on: the same check as the server's (lib/auth/return-path), which checks again.
  useEffect(() => {
    const next = safeReturnPath(new URLSearchParams(window.location.search).get('next'));
    if (next !== HOME_PATH) setSsoHref(`/api/auth/oidc/start?${new URLSearchParams({ next })}`);
  }, []);

  async function signIn(body: object) {
    setBusy(true);
    setError(undefined);
    try {
      await fetchJson('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      window.location.assign(safeReturnPath(new URLSearchParams(window.location.search).get('next')));
    } catch (failure) {
      setError(failure instanceof ApiError ? describe(failure) : String(failure));
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 p-6">
      <div className="w-full max-w-md space-y-6 rounded-xl bg-white p-8 shadow-lg">
        <div>
          <h1 className="text-2xl font-semibold">{t('app.name')}</h1>
          <p className="text-sm text-slate-500">{t('auth.title')}</p>
        </div>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            {error}
          </p>
        )}
        {strategies.includes('oidc') && (
          <a
            href={ssoHref}
            className="block w-full rounded-md bg-brand-600 px-4 py-2 text-center text-sm font-medium text-white shadow-sm hover:bg-brand-700"
          >
            {t('auth.sso')}
          </a>
        )}
        {strategies.includes('dev') && devUsers.length > 0 && (
          <section className="space-y-2">
            <h2 className="text-sm font-medium text-slate-700">{t('auth.devTitle')}</h2>
            <p className="text-xs text-slate-500">{t('auth.devHint')}</p>
            <div className="grid grid-cols-2 gap-2">
              {devUsers.map((user) => (
                <Button key={user} tone="secondary" disabled={busy} onClick={() => void signIn({ strategy: 'dev', user })}>
                  {t('auth.devAs', { user })}
                </Button>
              ))}
            </div>
          </section>
        )}
        {strategies.includes('token') && (
          <form
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              void signIn({ strategy: 'token', token });
            }}
          >
            <Field label={t('auth.token')} htmlFor="login-token" hint={t('auth.tokenHint')}>
              <textarea id="login-token" rows={3} className={`${inputClass} font-mono`} value={token} onChange={(event) => setToken(event.target.value)} autoComplete="off" />
            </Field>
            <Button type="submit" disabled={busy || !token}>
              {t('auth.signIn')}
            </Button>
          </form>
        )}
      </div>
    </main>
  );
}
