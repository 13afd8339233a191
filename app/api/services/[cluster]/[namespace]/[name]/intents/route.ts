import { z } from 'zod';
import { parseBody, parseParams, respond } from '@/lib/http/handler';
import { submitIntent } from '@/lib/console/intents';
import { intent } from '@/lib/mesh/intents';
import { serviceParams } from '@/lib/k8s/service-params';
import { audited } from '@/lib/auth/audit';
import { requireMutation } from '@/lib/auth/request';
import { requireApiServer } from '@/lib/console/clusters';

export const dynamic = 'force-dynamic';

const body = z.object({ mode: z.enum(['preview', 'apply']), intent });

/**
 * Preview (diff + server-side dry run) or apply one wizard's intent on a service. When the service's approval
 * policy holds the change, applying files a request for a team lead instead (`mode: "requested"`).
 */
export function POST(request: Request, { params }: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireMutation(request);
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    const { mode, intent: wanted } = await parseBody(request, body);
    return audited({ session, action: `${mode}:${wanted.type}`, cluster, namespace, target: name }, () => {
      requireApiServer(cluster);
      return submitIntent(session, cluster, namespace, name, wanted, mode);
    });
  });
}
