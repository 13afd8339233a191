import 'server-only';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

const envSchema = z.object({
  WEIR_KUBECONFIG: z.string().min(1).optional(),
  KUBECONFIG: z.string().min(1).optional(),
  WEIR_CONTEXTS: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined)),
  WEIR_IN_CLUSTER: booleanFlag,
  WEIR_SANDBOX: booleanFlag,
  /** Prometheus of the single (or default) cluster, e.g. http://prometheus.istio-system:9090. */
  WEIR_PROMETHEUS_URL: z.preprocess((value) => value || undefined, httpUrl.optional()),
  /** Per-cluster Prometheus: a JSON object from kubeconfig context name to URL. */
  WEIR_PROMETHEUS_URLS: z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value) return {};
      try {
        return JSON.parse(value) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be a JSON object of context name to URL' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), httpUrl)),
  /** How often Prometheus scrapes the mesh (`15s`, `1m`); rate windows are derived from it. */
  WEIR_PROMETHEUS_SCRAPE_INTERVAL: z
    .string()
    .regex(/^\d+(s|m)$/, 'must be a duration like 15s or 1m')
    .default('15s'),
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
