import { z } from 'zod';
import { dns1123Label } from './scope';

/** A service's name: a Service's (a DNS-1123 label), or a ServiceEntry's host (`details.bookinfo.com`, a subdomain). */
export const serviceName = z.union([dns1123Label, z.string().max(253).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/)]);

/** `/api/services/[cluster]/[namespace]/[name]` path segments. */
export const serviceParams = z.object({
  cluster: z.string().min(1).max(253),
  namespace: dns1123Label,
  name: serviceName,
});
