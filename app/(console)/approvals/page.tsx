import { Suspense } from 'react';
import { ApprovalList } from '@/components/approvals/approval-list';
import { TableSkeleton } from '@/components/ui/table-skeleton';

export default function ApprovalsPage() {
  return (
    <Suspense fallback={<TableSkeleton />}>
      <ApprovalList />
    </Suspense>
  );
}
