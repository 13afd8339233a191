import { Suspense } from 'react';
import { RouteObjectList } from '@/components/routes/route-object-list';
import { TableSkeleton } from '@/components/ui/table-skeleton';

export default function RoutesPage() {
  return (
    <Suspense fallback={<TableSkeleton />}>
      <RouteObjectList />
    </Suspense>
  );
}
