'use client';

import { useI18n } from '@/components/i18n/i18n-provider';
import { fetchJson } from '@/lib/client/api';
import { useSessionUser } from './session-context';

/** Who is signed in (groups on hover), and sign-out. */
export function UserMenu() {
  const { t } = useI18n();
  const user = useSessionUser();
  async function signOut() {
    await fetchJson('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    window.location.assign('/login');
  }
  return (
    <div className="flex items-center gap-3 text-sm">
      <span title={user.groups.join(', ')} data-testid="signed-in-user" className="text-slate-700">
        {t('auth.signedInAs', { user: user.username })}
      </span>
      <button type="button" onClick={() => void signOut()} className="rounded-md border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-50">
        {t('auth.signOut')}
      </button>
    </div>
  );
}
