import { z } from 'zod';
import { parseParams, parseQuery, respond } from '@/lib/http/handler';
import { cachedServiceState } from '@/lib/console/services';
import { serviceParams } from '@/lib/k8s/service-params';
import { serviceMetrics } from '@/lib/metrics/service-metrics';
import { requireAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

const metricsQuery = z.object({
  range: z.enum(['5', '15', '60']).default('5').transform(Number),
});

/** The traffic chart's data; Prometheus being down is a 200 with status `unavailable`, not an error. */
export function GET(request: Request, { params }: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireSession(request);
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    const { range } = parseQuery(request, metricsQuery);
    await requireAccess(session, cluster, namespace, SERVICES, 'get');
    const { view } = await cachedServiceState(cluster, namespace, name);
    return serviceMetrics(cluster, { namespace, services: view.trafficServices }, range);
  });
}
