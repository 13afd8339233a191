import { respond } from '@/lib/http/handler';
import { listClusters } from '@/lib/console/clusters';
import { namespaceAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';
import { sessionMayUse } from '@/lib/auth/user-client';

export const dynamic = 'force-dynamic';

/** The clusters the user's credential is good for, with the namespaces they may list services in; no API server address, no watch error text. */
export function GET(request: Request) {
  return respond(async () => {
    const session = await requireSession(request);
    // Only the clusters that accepted the user's credential: the others are not theirs to see, even by name.
    const usable = (await listClusters()).filter((cluster) => sessionMayUse(session, cluster.name));
    return Promise.all(
      usable.map(async (cluster) => {
        try {
          const allowed = await namespaceAccess(session, cluster.name, SERVICES);
          const visible = await Promise.all(cluster.namespaces.map(allowed));
          return { ...cluster, namespaces: cluster.namespaces.filter((_, index) => visible[index]) };
        } catch (error) {
          // One cluster that cannot answer (or not for this user) hides its namespaces, not the other clusters;
          // why is for the server log, which may name its address.
          console.error(`[weir] access check on cluster ${cluster.name} failed:`, error instanceof Error ? error.message : error);
          return { ...cluster, namespaces: [] };
        }
      }),
    );
  });
}
