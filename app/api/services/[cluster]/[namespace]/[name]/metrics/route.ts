import { z } from 'zod';
import { parseParams, parseQuery, respond } from '@/lib/http/handler';
import { HttpError } from '@/lib/http/errors';
import { clusterTarget } from '@/lib/k8s/clusters';
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
    const session = requireSession(request);
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    const { range } = parseQuery(request, metricsQuery);
    if (!clusterTarget(cluster)) {
      throw new HttpError(404, 'NotFound', `Cluster "${cluster}" is not configured`, [{ field: 'cluster', message: `unknown cluster "${cluster}"` }]);
    }
    await requireAccess(session, cluster, namespace, SERVICES, 'get');
    return serviceMetrics(cluster, namespace, name, range);
  });
}
