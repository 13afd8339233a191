import { respond } from '@/lib/http/handler';
import { listClusters } from '@/lib/console/clusters';
import { namespaceAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return respond(async () => {
    const session = requireSession(request);
    return Promise.all(
      (await listClusters()).map(async (cluster) => {
        const allowed = await namespaceAccess(session, cluster.name, SERVICES);
        const visible = await Promise.all(cluster.namespaces.map(allowed));
        return { ...cluster, namespaces: cluster.namespaces.filter((_, index) => visible[index]) };
      }),
    );
  });
}
