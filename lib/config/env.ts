import 'server-only';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const envSchema = z.object({
  WEIR_KUBECONFIG: z.string().min(1).optional(),
  KUBECONFIG: z.string().min(1).optional(),
  WEIR_CONTEXTS: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined)),
  WEIR_IN_CLUSTER: booleanFlag,
  WEIR_SANDBOX: booleanFlag,
});

/** The console's configuration, parsed once from the environment; a bad setting names itself. */
export type WeirEnv = z.infer<typeof envSchema>;

let parsed: WeirEnv | undefined;

/** Returns the parsed configuration, throwing a message that names the bad setting. */
export function weirEnv(): WeirEnv {
  if (parsed) return parsed;
  const result = envSchema.safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  parsed = result.data;
  return parsed;
}
