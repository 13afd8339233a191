import { JsonText, parseQuery, respond } from '@/lib/http/handler';
import { firstServicesJson, listServicesJson, servicesQuery } from '@/lib/console/services';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

/** Every service in scope the user may list (an array), or with `first` the first screen of the page and the total. */
export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    const { first, sort, q, ...scope } = parseQuery(request, servicesQuery);
    return new JsonText(first ? await firstServicesJson(session, scope, { limit: first, sort, filter: q }) : await listServicesJson(session, scope));
  });
}
