import { z } from 'zod';
import { dns1123Label } from './scope';

/** `/api/services/[cluster]/[namespace]/[name]` path segments. */
export const serviceParams = z.object({
  cluster: z.string().min(1).max(253),
  namespace: dns1123Label,
  name: dns1123Label,
});
