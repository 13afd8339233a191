import { parseQuery, respond } from '@/lib/http/handler';
import { listServices } from '@/lib/console/services';
import { scopeQuery } from '@/lib/k8s/scope';
import { filterByAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    return filterByAccess(session, await listServices(parseQuery(request, scopeQuery)), SERVICES);
  });
}
