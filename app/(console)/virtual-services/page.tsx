import { Suspense } from 'react';
import { VirtualServiceList } from '@/components/virtual-services/virtual-service-list';
import { TableSkeleton } from '@/components/ui/table-skeleton';

export default function VirtualServicesPage() {
  return (
    <Suspense fallback={<TableSkeleton />}>
      <VirtualServiceList />
    </Suspense>
  );
}
