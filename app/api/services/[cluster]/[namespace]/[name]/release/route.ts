import { parseBody, parseParams, respond } from '@/lib/http/handler';
import { serviceParams } from '@/lib/k8s/service-params';
import { audited } from '@/lib/auth/audit';
import { requireMutation } from '@/lib/auth/request';
import { requireApiServer } from '@/lib/console/clusters';
import { runReleaseAction } from '@/lib/progressive/control';
import { releaseAction } from '@/lib/release/model';

export const dynamic = 'force-dynamic';

/** Start a progressive release, pause / resume / promote now / abort it, or set the approval policy. */
export function POST(request: Request, { params }: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireMutation(request);
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    const action = await parseBody(request, releaseAction);
    return audited({ session, action: `release:${action.action}`, cluster, namespace, target: name }, async () => {
      requireApiServer(cluster);
      const release = await runReleaseAction(session, cluster, namespace, name, action);
      return { result: { phase: release.status?.phase ?? null, message: release.status?.message ?? null }, objects: [`Release/${name}`] };
    });
  });
}
