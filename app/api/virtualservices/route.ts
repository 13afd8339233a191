import { respond, parseQuery } from '@/lib/http/handler';
import { scopeQuery } from '@/lib/k8s/scope';
import { listVirtualServices } from '@/lib/console/virtual-services';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return respond(() => listVirtualServices(parseQuery(request, scopeQuery)));
}
