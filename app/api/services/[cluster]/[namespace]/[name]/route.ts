import { parseParams, respond } from '@/lib/http/handler';
import { cachedServiceState, readableReleaseDetail } from '@/lib/console/services';
import { serviceParams } from '@/lib/k8s/service-params';
import { releasePermissions, requireAccess, SERVICES } from '@/lib/auth/guard';
import { requireSession } from '@/lib/auth/request';

export const dynamic = 'force-dynamic';

export function GET(request: Request, { params }: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireSession(request);
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    await requireAccess(session, cluster, namespace, SERVICES, 'get');
    const state = await cachedServiceState(cluster, namespace, name);
    const [detail, permissions] = await Promise.all([readableReleaseDetail(session, state), releasePermissions(session, cluster, namespace, state)]);
    return { ...detail, permissions };
  });
}
