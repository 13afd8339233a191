import { JsonText, parseQuery, respond } from '@/lib/http/handler';
import { listServicesJson } from '@/lib/console/services';
import { scopeQuery } from '@/lib/k8s/scope';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    return new JsonText(await listServicesJson(session, parseQuery(request, scopeQuery)));
  });
}
