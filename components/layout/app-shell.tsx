'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { Suspense, type ReactNode } from 'react';
import { useI18n } from '@/components/i18n/i18n-provider';
import type { MessageKey } from '@/lib/i18n/en';
import { UserMenu } from '@/components/auth/user-menu';
import { useApprovals } from '@/components/approvals/use-approvals';
import { ClusterStatus } from './cluster-status';
import { LanguageSwitch } from './language-switch';
import { ScopePicker } from './scope-picker';

const NAV: { href: string; label: MessageKey }[] = [
  { href: '/services', label: 'nav.services' },
  { href: '/routes', label: 'nav.routes' },
  { href: '/approvals', label: 'nav.approvals' },
];

function NavLinks() {
  const { t } = useI18n();
  const pathname = usePathname();
  const params = useSearchParams();
  // Keep the chosen cluster / namespace when moving between pages.
  const query = params.toString();
  const pending = useApprovals().data?.pending.length ?? 0;
  return (
    <nav className="flex flex-col gap-1 px-3" aria-label="Main">
      {NAV.map((item) => {
        const active = pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={query ? `${item.href}?${query}` : item.href}
            aria-current={active ? 'page' : undefined}
            className={`rounded-md px-3 py-2 text-sm font-medium ${
              active ? 'bg-brand-50 text-brand-700' : 'text-slate-300 hover:bg-slate-800 hover:text-white'
            }`}
          >
            {t(item.label)}
            {item.href === '/approvals' && pending > 0 && (
              <span className="ml-2 rounded-full bg-amber-400 px-1.5 text-xs font-semibold text-slate-900" data-testid="pending-approvals">
                <span aria-hidden="true">{pending}</span>
                <span className="sr-only">{t('approvals.pendingCount', { count: pending })}</span>
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}

export function AppShell({ children, sandbox }: { children: ReactNode; sandbox: boolean }) {
  const { t } = useI18n();
  return (
    <div className="flex min-h-screen">
      <aside className="flex w-56 shrink-0 flex-col bg-slate-900 py-5">
        <div className="mb-6 px-6">
          <div className="text-lg font-semibold tracking-tight text-white">{t('app.name')}</div>
          <div className="text-xs text-slate-400">{t('app.tagline')}</div>
        </div>
        <Suspense>
          <NavLinks />
        </Suspense>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        {/* The sandbox and cluster-health lines belong to the page's banner landmark, like the header row. */}
        <header className="border-b border-slate-200 bg-white">
          <ClusterStatus sandbox={sandbox} />
          <div className="flex items-center justify-between px-6 py-3">
            <Suspense>
              <ScopePicker />
            </Suspense>
            <div className="flex items-center gap-4">
              <LanguageSwitch />
              <UserMenu />
            </div>
          </div>
        </header>
        <main className="min-w-0 flex-1">{children}</main>
      </div>
    </div>
  );
}
