import 'server-only';
import { z } from 'zod';
import { prefixProblem } from '@/lib/auth/identity';
import { configurationError, frontServerShape, setSettings } from './front-server-env';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

/** A prefix for impersonated names: no whitespace or invisible characters, and never a system: name. */
const identityPrefix = z
  .string()
  .default('')
  .superRefine((value, context) => {
    const problem = prefixProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

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
  /** Login strategies offered, in order: dev (sandbox users), token (a pasted bearer token), oidc, proxy. */
  WEIR_AUTH_STRATEGIES: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined))
    .pipe(z.array(z.enum(['dev', 'token', 'oidc', 'proxy'], { error: 'must list dev, token, oidc or proxy' })).optional()),
  /** For the proxy strategy: addresses of the trusted auth proxy (the TCP peer, as server.mjs sees it). */
  WEIR_PROXY_TRUSTED_ADDRESSES: z
    .string()
    .optional()
    .transform((value) => (value ? value.split(',').map((item) => item.trim().replace(/^::ffff:/, '')).filter(Boolean) : [])),
  WEIR_PROXY_USER_HEADER: z.string().min(1).default('x-forwarded-user'),
  WEIR_PROXY_GROUPS_HEADER: z.string().min(1).default('x-forwarded-groups'),
  /** Put before the proxy's user / group names when the console impersonates them (`proxy:` makes `proxy:alice`). */
  WEIR_PROXY_USERNAME_PREFIX: identityPrefix,
  WEIR_PROXY_GROUPS_PREFIX: identityPrefix,
  /** For the dev strategy: a kubeconfig whose contexts are the sandbox users (their tokens stay on the server). */
  WEIR_DEV_KUBECONFIG: z.string().min(1).optional(),
  /** Key for encrypting credentials held in sessions (32+ characters); random per process when unset. */
  WEIR_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .refine((value) => !value.startsWith('replace-me'), 'is still the placeholder from deploy/: put a random value in the Secret weir-console-session')
    .optional(),
  /**
   * Where sessions live: memory (this process; one replica) or cluster (Secrets in WEIR_NAMESPACE, shared by any
   * number of replicas with no sticky sessions; needs WEIR_SESSION_SECRET, the same in every replica).
   */
  WEIR_SESSION_STORE: z.enum(['memory', 'cluster'], { error: 'must be memory or cluster' }).default('memory'),
  WEIR_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  WEIR_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  /** Sign-in attempts (token / dev login, OIDC starts, proxy logins) one client address may make per minute. */
  WEIR_LOGIN_RATE_PER_ADDRESS: z.coerce.number({ error: 'must be a number of attempts per minute' }).int().min(1).max(100_000).default(30),
  /** Sign-in attempts all clients together may make per minute: bounds the SelfSubjectReviews and pending sign-ins. */
  WEIR_LOGIN_RATE_GLOBAL: z.coerce.number({ error: 'must be a number of attempts per minute' }).int().min(1).max(1_000_000).default(300),
  /** Change streams (browser tabs) one session may hold open at once; one more is answered 429. */
  WEIR_STREAMS_PER_SESSION: z.coerce.number().int().min(1).max(1000).default(8),
  /** How often an open change stream sends a keep-alive and re-checks its session (ends it after logout or expiry). */
  WEIR_STREAM_KEEPALIVE_SECONDS: z.coerce.number().int().min(1).max(300).default(15),
  /** For the oidc strategy: the OpenID Connect issuer (https; http only on localhost). */
  WEIR_OIDC_ISSUER: z.preprocess((value) => value || undefined, httpUrl.optional()),
  WEIR_OIDC_CLIENT_ID: z.string().min(1).optional(),
  /** Unset for a public client (PKCE only). */
  WEIR_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The console's callback, as registered at the provider: https://weir.example.com/api/auth/oidc/callback. */
  WEIR_OIDC_REDIRECT_URL: z.preprocess((value) => value || undefined, httpUrl.optional()),
  WEIR_OIDC_SCOPES: z.string().min(1).default('openid email profile groups'),
  /** ID token claims naming the user and their groups, like kube-apiserver's --oidc-username-claim / --oidc-groups-claim. */
  WEIR_OIDC_USERNAME_CLAIM: z.string().min(1).default('email'),
  WEIR_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  /** Impersonate mode: put before the claimed user / group names, like kube-apiserver's --oidc-username-prefix / --oidc-groups-prefix. */
  WEIR_OIDC_USERNAME_PREFIX: identityPrefix,
  WEIR_OIDC_GROUPS_PREFIX: identityPrefix,
  /** Run the progressive-delivery controller in this process (one replica leads, elected through a Lease). */
  WEIR_CONTROLLER: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((value) => value !== 'false' && value !== '0'),
  /** How long "add version" waits for the new pods to be ready before undoing itself, in milliseconds. */
  WEIR_WAIT_READY_TIMEOUT_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int().min(1000).max(3_600_000).default(120_000),
  /** The console's own namespace: the controller's election Lease lives there. */
  WEIR_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name').default('weir-system'),
  /** How long a controller's Lease lasts without renewal before another replica takes over. */
  WEIR_LEASE_SECONDS: z.coerce.number().int().min(2).max(300).default(15),
  /** How often the controller looks at progressive Releases. */
  WEIR_CONTROLLER_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /**
   * Where to ask the API server about a user without cluster-wide access: namespaces where a RoleBinding names
   * them (rolebindings), or every namespace (all: for a webhook authorizer that grants without RoleBindings).
   */
  WEIR_ACCESS_CANDIDATES: z.enum(['rolebindings', 'all'], { error: 'must be rolebindings or all' }).default('rolebindings'),
  /** impersonate: the console acts as the user with its own credentials; bearer: the API server trusts the issuer's ID token. */
  WEIR_OIDC_MODE: z.enum(['impersonate', 'bearer'], { error: 'must be impersonate or bearer' }).default('impersonate'),
  /** server.mjs: PORT and WEIR_HOST, where it listens (parsed there too, before Next.js starts). */
  ...frontServerShape,
});

/** Every setting Weir reads (README's configuration table and .env.example list each). */
export const ENV_KEYS = Object.keys(envSchema.shape);

/** The console's configuration, parsed once from the environment; a bad setting names itself. */
export type WeirEnv = z.infer<typeof envSchema>;

let parsed: WeirEnv | undefined;

/** Parses a configuration (the process's environment, or a test's), throwing a message that names each bad setting. */
export function parseWeirEnv(env: Record<string, string | undefined>): WeirEnv {
  const result = envSchema.safeParse(setSettings(env));
  if (!result.success) throw configurationError(result.error);
  if (result.data.WEIR_AUTH_STRATEGIES?.includes('dev') && !result.data.WEIR_SANDBOX) {
    throw new Error('Invalid configuration: WEIR_AUTH_STRATEGIES: "dev" is only allowed when WEIR_SANDBOX=true');
  }
  if (result.data.WEIR_SESSION_STORE === 'cluster' && !result.data.WEIR_SESSION_SECRET) {
    throw new Error('Invalid configuration: WEIR_SESSION_SECRET: required when WEIR_SESSION_STORE=cluster (every replica must seal and open the same sessions)');
  }
  if (result.data.WEIR_AUTH_STRATEGIES?.includes('oidc')) checkOidc(result.data);
  if (result.data.WEIR_AUTH_STRATEGIES?.includes('proxy') && result.data.WEIR_PROXY_TRUSTED_ADDRESSES.length === 0) {
    throw new Error('Invalid configuration: WEIR_PROXY_TRUSTED_ADDRESSES: required when WEIR_AUTH_STRATEGIES includes "proxy"');
  }
  return result.data;
}

/** Returns the process's configuration, parsed once, throwing a message that names the bad setting. */
export function weirEnv(): WeirEnv {
  parsed ??= parseWeirEnv(process.env);
  return parsed;
}

function checkOidc(env: WeirEnv): void {
  for (const name of ['WEIR_OIDC_ISSUER', 'WEIR_OIDC_CLIENT_ID', 'WEIR_OIDC_REDIRECT_URL'] as const) {
    if (!env[name]) throw new Error(`Invalid configuration: ${name}: required when WEIR_AUTH_STRATEGIES includes "oidc"`);
  }
  const issuer = new URL(env.WEIR_OIDC_ISSUER!);
  if (issuer.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)) {
    throw new Error('Invalid configuration: WEIR_OIDC_ISSUER: must be https (http only for localhost)');
  }
}

/** Login strategies in force: the configured ones, or dev on the sandbox and token elsewhere. */
export function authStrategies(): ('dev' | 'token' | 'oidc' | 'proxy')[] {
  const env = weirEnv();
  return env.WEIR_AUTH_STRATEGIES ?? (env.WEIR_SANDBOX ? ['dev', 'token'] : ['token']);
}
