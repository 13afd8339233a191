'use client';

import { createContext, useContext, useState, type ReactNode } from 'react';
import { setCsrfToken } from '@/lib/client/api';
import type { SessionUser } from '@/lib/auth/session-store';

const SessionContext = createContext<SessionUser | null>(null);

/** The signed-in user for the console's pages; also arms API calls with the session's CSRF token. */
export function SessionProvider({ user, csrfToken, children }: { user: SessionUser; csrfToken: string; children: ReactNode }) {
  useState(() => typeof window !== 'undefined' && setCsrfToken(csrfToken));
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export function useSessionUser(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useSessionUser must be used inside SessionProvider');
  return user;
}
