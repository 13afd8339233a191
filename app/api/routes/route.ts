import { respond, parseQuery } from '@/lib/http/handler';
import { scopeQuery } from '@/lib/k8s/scope';
import { listRouteObjects, routeResource } from '@/lib/console/routes';
import { filterByAccess } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

/** Every routing object in scope that the user may list, whatever its provider. */
export function GET(request: Request) {
  return respond(async () => {
    const session = await requireSession(request);
    return filterByAccess(session, await listRouteObjects(parseQuery(request, scopeQuery)), routeResource);
  });
}
