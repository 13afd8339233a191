import { z } from 'zod';
import { parseQuery, respond } from '@/lib/http/handler';
import { serviceRows } from '@/lib/console/service-rows';
import { dns1123Label } from '@/lib/k8s/scope';
import { clusterNotConfigured } from '@/lib/k8s/clusters';
import { clusterCache } from '@/lib/k8s/watch-cache';
import { MAX_LISTED_SERVICES, servicesSuccess, type ListedService } from '@/lib/metrics/services-success';
import { filterByAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';
import { coded } from '@/lib/i18n/format';

export const dynamic = 'force-dynamic';

const serviceRef = z.string().transform((value, context) => {
  const [namespace, name, ...rest] = value.split('/');
  const parsed = z.object({ namespace: dns1123Label, name: dns1123Label }).safeParse({ namespace, name });
  if (rest.length > 0 || !parsed.success) {
    context.addIssue({ code: 'custom', message: coded('field.namespaceName'), params: { value } });
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
    const session = await requireSession(request);
    const { cluster, services } = parseQuery(request, servicesQuery);
    const cache = clusterCache(cluster);
    if (!cache) throw clusterNotConfigured(cluster, 'query.cluster');
    const distinct = [...new Map(services.map((ref) => [`${ref.namespace}/${ref.name}`, { cluster, ...ref }])).values()];
    const allowed = await filterByAccess(session, distinct, SERVICES);
    // The Services list's own rows: each knows the destination Services its traffic is counted under.
    const rows = serviceRows(cache);
    await rows.refresh();
    const found = allowed.flatMap(({ namespace, name }): ListedService[] => {
      const row = rows.row(namespace, name);
      return row ? [{ namespace, service: name, trafficServices: row.trafficServices }] : [];
    });
    return servicesSuccess(cluster, found);
  });
}
