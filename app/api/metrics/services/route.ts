import { z } from 'zod';
import { parseQuery, respond } from '@/lib/http/handler';
import { HttpError } from '@/lib/http/errors';
import { cachedServiceState } from '@/lib/console/services';
import { dns1123Label } from '@/lib/k8s/scope';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { MAX_LISTED_SERVICES, servicesSuccess, type ListedService } from '@/lib/metrics/services-success';
import { filterByAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

const serviceRef = z.string().transform((value, context) => {
  const [namespace, name, ...rest] = value.split('/');
  const parsed = z.object({ namespace: dns1123Label, name: dns1123Label }).safeParse({ namespace, name });
  if (rest.length > 0 || !parsed.success) {
    context.addIssue({ code: 'custom', message: `"${value}" is not namespace/name (DNS-1123 labels)` });
    return z.NEVER;
  }
  return parsed.data;
});

const servicesQuery = z.object({
  cluster: z.string().min(1).max(253),
  /** `namespace/name,namespace/name`: the rows the list shows now. */
  services: z
    .string()
    .min(1)
    .transform((value) => value.split(','))
    .pipe(z.array(serviceRef).min(1).max(MAX_LISTED_SERVICES, `at most ${MAX_LISTED_SERVICES} services at once`)),
});

/**
 * Success rate and requests/s of the services list's visible rows, from one Prometheus query. Rows the user may
 * not list, and services that do not exist, are left out; Prometheus down is a 200 with status `unavailable`.
 */
export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    const { cluster, services } = parseQuery(request, servicesQuery);
    if (!clusterCache(cluster)) throw new HttpError(404, 'NotFound', `Cluster "${cluster}" is not configured`, [{ field: 'query.cluster', message: `unknown cluster "${cluster}"` }]);
    const distinct = [...new Map(services.map((ref) => [`${ref.namespace}/${ref.name}`, { cluster, ...ref }])).values()];
    const allowed = await filterByAccess(session, distinct, SERVICES);
    const found = await Promise.all(
      allowed.map(({ namespace, name }) =>
        cachedServiceState(cluster, namespace, name).then(
          ({ view }): ListedService => ({ namespace, service: name, trafficServices: view.trafficServices }),
          (error: unknown) => {
            if (error instanceof HttpError && error.status === 404) return undefined;
            throw error;
          },
        ),
      ),
    );
    return servicesSuccess(cluster, found.filter((row) => row !== undefined));
  });
}
