import { z } from 'zod';
import { parseBody, parseParams, respond } from '@/lib/http/handler';
import { audited } from '@/lib/auth/audit';
import { requireMutation, requireSession } from '@/lib/auth/request';
import { requireApiServer } from '@/lib/console/clusters';
import { dns1123Label } from '@/lib/k8s/scope';
import { createTemplate, listTemplates } from '@/lib/progressive/templates';
import { metricTemplateBody } from '@/lib/release/checks';

export const dynamic = 'force-dynamic';

const params = z.object({ cluster: z.string().min(1).max(253), namespace: dns1123Label });

/** The namespace's metric templates (metrictemplates.weir.dev), as the user may list them. */
export function GET(request: Request, context: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireSession(request);
    const { cluster, namespace } = await parseParams(context.params, params);
    requireApiServer(cluster);
    return listTemplates(session, cluster, namespace);
  });
}

/** Saves a new metric template as the user, once the cluster's Prometheus has accepted its PromQL. */
export function POST(request: Request, context: { params: Promise<unknown> }) {
  return respond(async () => {
    const session = await requireMutation(request);
    const { cluster, namespace } = await parseParams(context.params, params);
    const body = await parseBody(request, metricTemplateBody);
    return audited({ session, action: 'metric-template:create', cluster, namespace, target: body.name }, async () => {
      requireApiServer(cluster);
      const template = await createTemplate(session, cluster, namespace, body.name, body.spec);
      return { result: template, objects: [`MetricTemplate/${body.name}`] };
    });
  });
}
