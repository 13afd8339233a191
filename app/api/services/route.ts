import { parseQuery, respond } from '@/lib/http/handler';
import { listServices } from '@/lib/console/releases';
import { scopeQuery } from '@/lib/k8s/scope';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return respond(() => listServices(parseQuery(request, scopeQuery)));
}
