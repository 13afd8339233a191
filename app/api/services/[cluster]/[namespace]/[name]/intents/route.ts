import { z } from 'zod';
import { parseBody, parseParams, respond } from '@/lib/http/handler';
import { runIntent } from '@/lib/console/releases';
import { intent } from '@/lib/mesh/intents';
import { serviceParams } from '@/lib/k8s/service-params';

export const dynamic = 'force-dynamic';

const body = z.object({ mode: z.enum(['preview', 'apply']), intent });

/** Preview (diff + server-side dry run) or apply one wizard's intent on a service. */
export function POST(request: Request, { params }: { params: Promise<unknown> }) {
  return respond(async () => {
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    const { mode, intent: wanted } = await parseBody(request, body);
    return runIntent(cluster, namespace, name, wanted, mode);
  });
}
