import { headers } from 'next/headers';
import { Suspense } from 'react';
import { ServiceList } from '@/components/services/service-list';
import { TableSkeleton } from '@/components/ui/table-skeleton';
import { sessionIdOf } from '@/lib/auth/request';
import { findSession } from '@/lib/auth/session-store';
import { FIRST_SCREEN_ROWS } from '@/lib/console/service-order';
import { firstScreen } from '@/lib/console/services';

export const dynamic = 'force-dynamic';

/** The count and the first screen of rows come in the HTML; the whole list follows from the browser. */
export default async function ServicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await findSession(sessionIdOf((await headers()).get('cookie')));
  const initial = session ? await firstScreen(session, await searchParams, FIRST_SCREEN_ROWS) : undefined;
  return (
    <Suspense fallback={<TableSkeleton />}>
      <ServiceList initial={initial} />
    </Suspense>
  );
}
