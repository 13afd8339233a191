import { respond } from '@/lib/http/handler';
import { requireSession } from '@/lib/auth/request';
import { listApprovals } from '@/lib/changes/approvals';

export const dynamic = 'force-dynamic';

/** Requests waiting for a team lead, across the namespaces the user may read, and the latest decisions. */
export function GET(request: Request) {
  return respond(async () => listApprovals(await requireSession(request)));
}
