import { z } from 'zod';
import { JsonText, parseQuery, respond } from '@/lib/http/handler';
import { firstServicesJson, listServicesJson } from '@/lib/console/services';
import { SORT_KEYS } from '@/lib/console/service-order';
import { scopeQuery } from '@/lib/k8s/scope';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

const servicesQuery = scopeQuery.extend({
  /** Only the first N rows in the page's order and filter, with the total: `{ total, rows }`. */
  first: z.coerce.number().int().min(1).max(500).optional(),
  sort: z.enum(SORT_KEYS).default('name'),
  q: z.string().max(200).default(''),
});

/** Every service in scope the user may list (an array), or with `first` the first screen of the page and the total. */
export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    const { first, sort, q, ...scope } = parseQuery(request, servicesQuery);
    return new JsonText(first ? await firstServicesJson(session, scope, { limit: first, sort, filter: q }) : await listServicesJson(session, scope));
  });
}
