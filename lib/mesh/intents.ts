import { z } from 'zod';
import type { MessageKey } from '@/lib/i18n/en';
import { coded, type MessageParams } from '@/lib/i18n/format';

/*
 * What a user asks the console to do, validated the same way in the browser (field errors next to the input)
 * and in the route handlers (400 with field names). Planners take these, never raw request bodies.
 */

/** DNS-1123 label, as Kubernetes requires of names and as Istio expects of subset names. */
export const versionName = z
  .string()
  .min(1, coded('field.required'))
  .max(63, coded('field.maxChars'))
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, coded('field.dnsLabel'));

const weight = z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(0, coded('field.atLeast')).max(100, coded('field.atMost'));

/** Rejects what JavaScript accepts but Envoy's RE2 does not: look-around and back-references. */
export function regexProblem(pattern: string): { code: MessageKey; params?: MessageParams } | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return { code: 'field.regexLookAround' };
  if (/\\[1-9]/.test(pattern)) return { code: 'field.regexBackReference' };
  try {
    new RegExp(pattern);
  } catch (error) {
    return { code: 'field.regexInvalid', params: { detail: (error as Error).message } };
  }
  return undefined;
}

const headerName = z
  .string()
  .min(1, coded('field.required'))
  .max(256)
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, coded('field.headerName'))
  .refine((name) => name.toLowerCase() !== 'cookie', coded('field.cookieHeader'))
  .transform((name) => name.toLowerCase());

const matchValue = z.string().min(1, coded('field.required')).max(1024, coded('field.maxChars'));

export const contentCondition = z
  .discriminatedUnion('on', [
    z.object({ on: z.literal('header'), name: headerName, operator: z.enum(['exact', 'prefix', 'regex']), value: matchValue }),
    z.object({ on: z.literal('cookie'), operator: z.literal('regex'), value: matchValue }),
  ])
  .superRefine((condition, context) => {
    if (condition.operator !== 'regex') return;
    const problem = regexProblem(condition.value);
    if (problem) context.addIssue({ code: 'custom', path: ['value'], message: coded(problem.code), params: problem.params });
  });

export const contentPolicy = z
  .object({
    match: z.enum(['all', 'any']),
    conditions: z.array(contentCondition).min(1, coded('field.minConditions')).max(10, coded('field.maxConditions')),
  })
  .superRefine((policy, context) => {
    if (policy.match !== 'all') return;
    // With "all", conditions share one match block, whose headers are a map: one condition per header.
    const seen = new Set<string>();
    policy.conditions.forEach((condition, index) => {
      const key = condition.on === 'cookie' ? 'cookie' : condition.name;
      if (seen.has(key)) {
        context.addIssue({ code: 'custom', path: ['conditions', index], message: coded('field.matchedTwice'), params: { key } });
      }
      seen.add(key);
    });
  });

/** Weights per version in percent: whole numbers that add up to 100. */
export const weights = z
  .record(versionName, weight)
  .refine((record) => Object.keys(record).length > 0, coded('field.needsVersion'))
  .refine((record) => Object.values(record).reduce((sum, value) => sum + value, 0) === 100, coded('field.sum100'));

const expected = z.string().min(1, coded('field.expectedRequired')).max(64);

const envVar = z.object({
  name: z.string().regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, coded('field.envName')),
  value: z.string().max(4096),
});

export const createRoutingIntent = z.object({
  type: z.literal('create-routing'),
  stableVersion: versionName,
  /** The provider whose objects to create (`istio`, `gateway-api`, `smi`); the registry's first when absent. */
  provider: z.string().regex(/^[a-z][-a-z0-9]{0,30}$/, coded('field.providerId')).optional(),
});

const labelKey = z.string().max(317).regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, coded('field.labelKey'));
const labelValue = z.string().max(63, coded('field.maxChars')).regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, coded('field.labelValue'));
const portNumber = z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(65535, coded('field.atMost'));

/** One VM of a VM version: what becomes its WorkloadEntry (the version label and the service's selector are added). */
export const vmEntry = z.object({
  address: z.string().min(1, coded('field.required')).max(253, coded('field.maxChars')).regex(/^[^\s]+$/, coded('field.noSpaces')),
  labels: z.record(labelKey, labelValue).default({}),
  /** Port name → the VM's port number. */
  ports: z.record(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, coded('field.dnsLabel')), portNumber).default({}),
  serviceAccount: z.string().max(253, coded('field.maxChars')).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, coded('field.dnsLabel')).optional(),
  network: z.string().max(63, coded('field.maxChars')).regex(/^[^\s]+$/, coded('field.noSpaces')).optional(),
});

export const addVersionIntent = z
  .object({
    type: z.literal('add-version'),
    expected,
    version: versionName,
    /** Pods: a copy of the stable Deployment with this image and replicas. Not given for a VM version. */
    image: z.string().min(1, coded('field.required')).max(512).regex(/^[^\s]+$/, coded('field.noSpaces')).optional(),
    replicas: z.number().int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(100, coded('field.atMost')).optional(),
    env: z.array(envVar).max(50).default([]),
    /** A VM version: one WorkloadEntry per VM instead of a Deployment. */
    vms: z.array(vmEntry).min(1, coded('field.required')).max(20, coded('field.maxVms')).optional(),
    /** The VMs are health-checked (Istio's probe): traffic moves only once each reports Healthy. */
    healthChecked: z.boolean().optional(),
    /** Share of the other requests the new version receives. */
    weight,
    policy: contentPolicy.optional(),
  })
  .superRefine((intent, context) => {
    if (intent.vms) return;
    if (intent.image === undefined) context.addIssue({ code: 'custom', path: ['image'], message: coded('field.required') });
    if (intent.replicas === undefined) context.addIssue({ code: 'custom', path: ['replicas'], message: coded('field.required') });
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
  /** Also delete the version's WorkloadEntries that Weir did not create (otherwise they are kept). */
  deleteUnmanagedVms: z.boolean().optional(),
});

/** A version's Deployments to `replicas` pods: 0 only when it gets no traffic; up again after a rollback. */
export const scaleVersionIntent = z.object({
  type: z.literal('scale-version'),
  expected,
  version: versionName,
  replicas: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(0, coded('field.atLeast')).max(100, coded('field.atMost')),
});

/**
 * A version's Deployments to a new image and back to `replicas` pods, as one reviewed change: how a version that was
 * rolled back (and scaled to 0) gets a fixed build before it is released again. Only while it gets no traffic.
 */
export const updateVersionIntent = z.object({
  type: z.literal('update-version'),
  expected,
  version: versionName,
  image: z.string().min(1, coded('field.required')).max(512).regex(/^[^\s]+$/, coded('field.noSpaces')),
  replicas: z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(100, coded('field.atMost')),
});

/** Mirror a share of the requests to a version (its answers dropped), or stop mirroring (`version: null`). */
export const setMirrorIntent = z.object({
  type: z.literal('set-mirror'),
  expected,
  version: versionName.nullable(),
  percent: z.number({ error: coded('field.number') }).min(0.1, coded('field.atLeast')).max(100, coded('field.atMost')).default(100),
});

/** A cookie name a console writes and matches: letters, digits, `-` and `_` (nothing a regex or a header would read otherwise). */
export const cookieName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, coded('field.cookieName'));

/** How long a session-affinity cookie keeps a user on a version, in seconds (a week at most). */
export const cookieMaxAge = z.number({ error: coded('field.number') }).int(coded('field.wholeNumber')).min(1, coded('field.atLeast')).max(7 * 86_400, coded('field.atMost'));

/**
 * Session affinity (Flagger's `sessionAffinity`): the version's answers set the cookie `name=<version>`, and
 * requests carrying it go to that version, so a user who reached it stays on it; `cookie: null` removes both.
 */
export const setStickyIntent = z.object({
  type: z.literal('set-sticky'),
  expected,
  version: versionName,
  cookie: z.object({ name: cookieName, maxAge: cookieMaxAge }).nullable(),
});

/** Back to an earlier split from the history: its weights and its content rules, in one change. */
export const restoreSplitIntent = z.object({
  type: z.literal('restore-split'),
  expected,
  weights,
  rules: z.array(z.object({ version: versionName, policy: contentPolicy })).max(20, coded('field.maxRules')),
});

export const intent = z.discriminatedUnion('type', [
  createRoutingIntent,
  addVersionIntent,
  setWeightsIntent,
  setContentRuleIntent,
  takeOverIntent,
  deleteVersionIntent,
  restoreSplitIntent,
  setMirrorIntent,
  setStickyIntent,
  scaleVersionIntent,
  updateVersionIntent,
]);

export type Intent = z.infer<typeof intent>;
export type IntentType = Intent['type'];
export type ContentPolicyInput = z.infer<typeof contentPolicy>;

/** The cookie regex that matches `name=value` anywhere in a Cookie header. */
export function cookieRegex(name: string, value: string): string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Browsers join cookies with '; ', so a cookie after another one follows a space: the regex of Istio's docs,
  // `^(.*?;)?(name=value)(;.*)?$`, misses it there.
  return `^(.*?;\\s*)?(${escape(name)}=${escape(value)})(;.*)?$`;
}
