import { holdsEtag, JsonText, parseQuery, respond } from '@/lib/http/handler';
import { firstServicesJson, listServicesJson, servicesQuery } from '@/lib/console/services';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

/** Every service in scope the user may list (an array), or with `first` the first screen of the page and the total. */
export function GET(request: Request) {
  return respond(async () => {
    const session = await requireSession(request);
    const { first, sort, q, ...scope } = parseQuery(request, servicesQuery);
    if (first) return new JsonText(await firstServicesJson(session, scope, { limit: first, sort, filter: q }));
    const list = await listServicesJson(session, scope);
    // Private: the list is what this user may see. no-cache: the browser asks again every time, and gets 304
    // while nothing it may see has changed (at 10,000 services the list is 7 MB).
    const headers = { etag: list.etag, 'cache-control': 'private, no-cache' };
    return new JsonText(list.bytes, headers, holdsEtag(request, list.etag));
  });
}
