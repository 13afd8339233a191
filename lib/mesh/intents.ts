import { z } from 'zod';

/*
 * What a user asks the console to do, validated the same way in the browser (field errors next to the input)
 * and in the route handlers (400 with field names). Planners take these, never raw request bodies.
 */

/** DNS-1123 label, as Kubernetes requires of names and as Istio expects of subset names. */
export const versionName = z
  .string()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lower-case letters, digits and "-", starting and ending with a letter or digit');

const weight = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100, 'must be 100 or less');

/** Rejects what JavaScript accepts but Envoy's RE2 does not: look-around and back-references. */
export function regexProblem(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'look-ahead and look-behind are not supported by Envoy (RE2)';
  if (/\\[1-9]/.test(pattern)) return 'back-references are not supported by Envoy (RE2)';
  try {
    new RegExp(pattern);
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  return undefined;
}

const headerName = z
  .string()
  .min(1, 'is required')
  .max(256)
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
  .refine((name) => name.toLowerCase() !== 'cookie', 'use a cookie condition for the cookie header')
  .transform((name) => name.toLowerCase());

const matchValue = z.string().min(1, 'is required').max(1024, 'must be at most 1024 characters');

export const contentCondition = z
  .discriminatedUnion('on', [
    z.object({ on: z.literal('header'), name: headerName, operator: z.enum(['exact', 'prefix', 'regex']), value: matchValue }),
    z.object({ on: z.literal('cookie'), operator: z.literal('regex'), value: matchValue }),
  ])
  .superRefine((condition, context) => {
    if (condition.operator !== 'regex') return;
    const problem = regexProblem(condition.value);
    if (problem) context.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

export const contentPolicy = z
  .object({
    match: z.enum(['all', 'any']),
    conditions: z.array(contentCondition).min(1, 'needs at least one condition').max(10, 'at most 10 conditions'),
  })
  .superRefine((policy, context) => {
    if (policy.match !== 'all') return;
    // With "all", conditions share one match block, whose headers are a map: one condition per header.
    const seen = new Set<string>();
    policy.conditions.forEach((condition, index) => {
      const key = condition.on === 'cookie' ? 'cookie' : condition.name;
      if (seen.has(key)) {
        context.addIssue({ code: 'custom', path: ['conditions', index], message: `"${key}" is matched twice; use "any" or one condition` });
      }
      seen.add(key);
    });
  });

/** Weights per version in percent: whole numbers that add up to 100. */
export const weights = z
  .record(versionName, weight)
  .refine((record) => Object.keys(record).length > 0, 'needs at least one version')
  .refine((record) => Object.values(record).reduce((sum, value) => sum + value, 0) === 100, 'must add up to 100');

const expected = z.string().min(1, 'is required: the split you saw (splitEtag)').max(64);

const envVar = z.object({
  name: z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, 'must be a valid environment variable name'),
  value: z.string().max(4096),
});

export const createRoutingIntent = z.object({
  type: z.literal('create-routing'),
  stableVersion: versionName,
  /** The provider whose objects to create (`istio`, `gateway-api`, `smi`); the registry's first when absent. */
  provider: z.string().regex(/^[a-z][-a-z0-9]{0,30}$/, 'must be a provider id such as "istio"').optional(),
});

export const addVersionIntent = z.object({
  type: z.literal('add-version'),
  expected,
  version: versionName,
  image: z.string().min(1, 'is required').max(512).regex(/^[^\s]+$/, 'must not contain spaces'),
  replicas: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be 100 or less'),
  env: z.array(envVar).max(50).default([]),
  /** Share of the other requests the new version receives. */
  weight,
  policy: contentPolicy.optional(),
});

export const setWeightsIntent = z.object({ type: z.literal('set-weights'), expected, weights });

export const setContentRuleIntent = z.object({
  type: z.literal('set-content-rule'),
  expected,
  version: versionName,
  /** null removes the version's content rule. */
  policy: contentPolicy.nullable(),
});

export const takeOverIntent = z.object({ type: z.literal('take-over'), expected, version: versionName });

export const deleteVersionIntent = z.object({
  type: z.literal('delete-version'),
  expected,
  version: versionName,
  keepWorkload: z.boolean().default(false),
});

/** A version's Deployments to `replicas` pods: 0 only when it gets no traffic; up again after a rollback. */
export const scaleVersionIntent = z.object({
  type: z.literal('scale-version'),
  expected,
  version: versionName,
  replicas: z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(100, 'must be 100 or less'),
});

/** Back to an earlier split from the history: its weights and its content rules, in one change. */
export const restoreSplitIntent = z.object({
  type: z.literal('restore-split'),
  expected,
  weights,
  rules: z.array(z.object({ version: versionName, policy: contentPolicy })).max(20, 'at most 20 content rules'),
});

export const intent = z.discriminatedUnion('type', [
  createRoutingIntent,
  addVersionIntent,
  setWeightsIntent,
  setContentRuleIntent,
  takeOverIntent,
  deleteVersionIntent,
  restoreSplitIntent,
  scaleVersionIntent,
]);

export type Intent = z.infer<typeof intent>;
export type IntentType = Intent['type'];
export type ContentPolicyInput = z.infer<typeof contentPolicy>;

/** The cookie regex that matches `name=value` anywhere in a Cookie header. */
export function cookieRegex(name: string, value: string): string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `^(.*?;)?(${escape(name)}=${escape(value)})(;.*)?$`;
}
