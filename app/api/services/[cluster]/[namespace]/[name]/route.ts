import { parseParams, respond } from '@/lib/http/handler';
import { getRelease } from '@/lib/console/releases';
import { serviceParams } from '@/lib/k8s/service-params';

export const dynamic = 'force-dynamic';

export function GET(_request: Request, { params }: { params: Promise<unknown> }) {
  return respond(async () => {
    const { cluster, namespace, name } = await parseParams(params, serviceParams);
    return getRelease(cluster, namespace, name);
  });
}
