import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { SessionProvider } from '@/components/auth/session-context';
import { AppShell } from '@/components/layout/app-shell';
import { sessionIdOf } from '@/lib/auth/request';
import { findSession } from '@/lib/auth/session-store';
import { weirEnv } from '@/lib/config/env';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await findSession(sessionIdOf((await headers()).get('cookie')));
  if (!session) redirect('/login');
  return (
    <SessionProvider user={session.user} csrfToken={session.csrfToken}>
      {/* The sandbox banner is in the first HTML, not added once /api/clusters answers: nothing below it moves. */}
      <AppShell sandbox={weirEnv().WEIR_SANDBOX}>{children}</AppShell>
    </SessionProvider>
  );
}
