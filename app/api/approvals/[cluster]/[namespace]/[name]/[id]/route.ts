import { z } from 'zod';
import { coded } from '@/lib/i18n/format';
import { parseBody, parseParams, respond } from '@/lib/http/handler';
import { serviceParams } from '@/lib/k8s/service-params';
import { audited } from '@/lib/auth/audit';
import { requireMutation } from '@/lib/auth/request';
import { requireApiServer } from '@/lib/console/clusters';
import { decide } from '@/lib/changes/approvals';

export const dynamic = 'force-dynamic';

const params = serviceParams.extend({ id: z.string().regex(/^[a-z0-9-]{1,80}$/, coded('field.requestId')) });
const body = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().trim().max(1000, coded('field.maxChars')).default(''),
});

/** A team lead approves or rejects one request (SubjectAccessReview for the `approve` verb; never one's own). */
export function POST(request: Request, context: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireMutation(request);
    const { cluster, namespace, name, id } = await parseParams(context.params, params);
    const { decision, comment } = await parseBody(request, body);
    return audited({ session, action: `approval:${decision}`, cluster, namespace, target: `${name}/${id}` }, async () => {
      requireApiServer(cluster);
      const decided = await decide(session, cluster, namespace, name, id, decision, comment);
      return { result: { request: { ...decided, intent: undefined } }, objects: [`Release/${name}`] };
    });
  });
}
