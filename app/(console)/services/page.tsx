import { Suspense } from 'react';
import { ServiceList } from '@/components/services/service-list';
import { TableSkeleton } from '@/components/ui/table-skeleton';

export default function ServicesPage() {
  return (
    <Suspense fallback={<TableSkeleton />}>
      <ServiceList />
    </Suspense>
  );
}
