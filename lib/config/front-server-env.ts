/**
 * The front server's own settings (server.mjs: where it listens), and how a bad setting is worded. Part of the
 * console's schema (lib/config/env.ts) too, so every setting is parsed by zod and documented in one list.
 *
 * Plain, type-strippable TypeScript without path aliases or `server-only`: server.mjs imports it with Node's own
 * loader before Next.js starts.
 */
import { z, type ZodError } from 'zod';

export const frontServerShape = {
  /** Port server.mjs listens on. */
  PORT: z.coerce
    .number({ error: 'must be a port number (1-65535)' })
    .int('must be a port number (1-65535)')
    .min(1, 'must be a port number (1-65535)')
    .max(65_535, 'must be a port number (1-65535)')
    .default(3000),
  /** Address server.mjs listens on: 127.0.0.1 unless told otherwise (0.0.0.0 in a container). */
  WEIR_HOST: z
    .string()
    .regex(/^[^\s/]+$/, 'must be a host name or IP address to listen on')
    .default('127.0.0.1'),
};

const frontServerSchema = z.object(frontServerShape);

export type FrontServerEnv = z.infer<typeof frontServerSchema>;

/** `Invalid configuration: NAME: what is wrong; NAME: …`, each problem under the setting's name. */
export function configurationError(error: ZodError): Error {
  // The setting's name, not the place inside its value (WEIR_AUTH_STRATEGIES, not WEIR_AUTH_STRATEGIES.1).
  const problems = error.issues.map((issue) => `${String(issue.path[0] ?? '(environment)')}: ${issue.message}`);
  return new Error(`Invalid configuration: ${problems.join('; ')}`);
}

/** The environment with empty settings left out: `NAME=` (as in .env.example) means "the default". */
export function setSettings(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/** server.mjs's settings from the environment, or an error naming each bad one. */
export function frontServerEnv(env: Record<string, string | undefined>): FrontServerEnv {
  const result = frontServerSchema.safeParse(setSettings(env));
  if (!result.success) throw configurationError(result.error);
  return result.data;
}
