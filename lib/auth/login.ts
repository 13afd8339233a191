import 'server-only';
import { z } from 'zod';
import { authStrategies, weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { devUsers } from './dev-users';
import { createSession, type Session } from './session-store';
import { reviewToken } from './user-client';
import { say } from '@/lib/i18n/messages';

export const loginBody = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('dev'), user: z.string().min(1).max(64) }),
  z.object({ strategy: z.literal('token'), token: z.string().trim().min(10, 'is too short to be a token').max(16_384) }),
]);

/** Signs a user in with one of the configured strategies; the API server confirms who they are. */
export async function login(input: z.infer<typeof loginBody>): Promise<Session> {
  if (!authStrategies().includes(input.strategy)) {
    throw new HttpError(400, 'BadRequest', say('server.strategyDisabled', { strategy: input.strategy }), [{ field: 'strategy', ...say('field.notEnabled') }]);
  }
  if (input.strategy === 'dev') {
    if (!weirEnv().WEIR_SANDBOX) throw new HttpError(403, 'Forbidden', say('server.sandboxOnly'));
    const token = devUsers().get(input.user);
    if (!token) throw new HttpError(400, 'BadRequest', say('server.noSandboxUser', { user: input.user }), [{ field: 'user', ...say('field.unknownSandboxUser') }]);
    return createSession(await reviewToken(token, 'dev'), token);
  }
  return createSession(await reviewToken(input.token, 'token'), input.token);
}

/** What the login page may show: strategies, and the sandbox users' names (never their tokens). */
export function loginOptions(): { strategies: string[]; devUsers: string[] } {
  const strategies = authStrategies();
  return { strategies, devUsers: strategies.includes('dev') ? [...devUsers().keys()] : [] };
}
