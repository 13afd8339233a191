import { respond, parseQuery } from '@/lib/http/handler';
import { scopeQuery } from '@/lib/k8s/scope';
import { listVirtualServices } from '@/lib/console/virtual-services';
import { filterByAccess, VIRTUAL_SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    return filterByAccess(session, await listVirtualServices(parseQuery(request, scopeQuery)), VIRTUAL_SERVICES);
  });
}
