import 'server-only';
import { authStrategies, weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { createImpersonatedSession, type Session } from './session-store';

/** Set by server.mjs from the TCP connection; a client-sent value never survives it. */
export const PEER_HEADER = 'x-weir-peer-address';

/**
 * Starts a session for the user a trusted auth proxy names in its headers. Only requests whose TCP peer is one
 * of WEIR_PROXY_TRUSTED_ADDRESSES count; the console then impersonates that user and groups.
 */
export function proxySession(request: Request): Session {
  if (!authStrategies().includes('proxy')) throw new HttpError(404, 'NotFound', 'Proxy login is not enabled');
  const env = weirEnv();
  const peer = request.headers.get(PEER_HEADER) ?? '';
  if (!env.WEIR_PROXY_TRUSTED_ADDRESSES.includes(peer)) {
    throw new HttpError(403, 'Forbidden', 'This request did not come through the trusted auth proxy');
  }
  const username = request.headers.get(env.WEIR_PROXY_USER_HEADER)?.trim();
  if (!username) throw new HttpError(401, 'Unauthorized', `The auth proxy sent no ${env.WEIR_PROXY_USER_HEADER} header`);
  if (username.startsWith('system:')) throw new HttpError(403, 'Forbidden', 'System identities cannot sign in through the proxy');
  const groups = (request.headers.get(env.WEIR_PROXY_GROUPS_HEADER) ?? '')
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group && !group.startsWith('system:'));
  return createImpersonatedSession({ username, groups, strategy: 'proxy' });
}
