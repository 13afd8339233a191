import { respond } from '@/lib/http/handler';
import { listClusters } from '@/lib/console/clusters';

export const dynamic = 'force-dynamic';

export function GET() {
  return respond(() => listClusters());
}
