import 'server-only';
import { authStrategies, weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { frontServerPeer } from './front-server';
import { impersonatedIdentity } from './identity';
import { createImpersonatedSession, type Session } from './session-store';
import { say } from '@/lib/i18n/messages';

/** Set by server.mjs from the TCP connection; a client-sent value never survives it (lib/auth/front-server). */
export { PEER_HEADER } from './front-server';

/**
 * The address of the trusted auth proxy this request came from, or a 403: the request must carry server.mjs's
 * mark (started another way, every request is refused) and its TCP peer must be one of WEIR_PROXY_TRUSTED_ADDRESSES.
 */
export function trustedProxyPeer(headers: { get(name: string): string | null }): string {
  const peer = frontServerPeer(headers);
  if (peer === undefined) {
    throw new HttpError(403, 'Forbidden', say('server.proxyNeedsFrontServer'));
  }
  if (!weirEnv().WEIR_PROXY_TRUSTED_ADDRESSES.includes(peer)) {
    throw new HttpError(403, 'Forbidden', say('server.notThroughProxy'));
  }
  return peer;
}

/** Whether the request came from the trusted auth proxy, through server.mjs (the login page then needs no form). */
export function fromTrustedProxy(headers: { get(name: string): string | null }): boolean {
  try {
    trustedProxyPeer(headers);
    return true;
  } catch {
    return false;
  }
}

/**
 * A header's text: HTTP hands header bytes over one per character (Latin-1); a proxy writes names in UTF-8.
 * Bytes that are not UTF-8 are refused rather than guessed at.
 */
function headerText(value: string | null, name: string): string | null {
  if (value === null) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    throw new HttpError(403, 'Forbidden', say('server.proxyHeaderNotUtf8', { header: name }));
  }
}

/**
 * Starts a session for the user a trusted auth proxy names in its headers. Only requests whose TCP peer is one
 * of WEIR_PROXY_TRUSTED_ADDRESSES count; the names are normalised and checked (lib/auth/identity), prefixed
 * with WEIR_PROXY_USERNAME_PREFIX / _GROUPS_PREFIX, and the console then impersonates that user and groups.
 */
export async function proxySession(request: Request): Promise<Session> {
  if (!authStrategies().includes('proxy')) throw new HttpError(404, 'NotFound', say('server.proxyDisabled'));
  const env = weirEnv();
  trustedProxyPeer(request.headers);
  const username = headerText(request.headers.get(env.WEIR_PROXY_USER_HEADER), env.WEIR_PROXY_USER_HEADER);
  if (username === null || username.trim() === '') throw new HttpError(401, 'Unauthorized', say('server.proxyNoUser', { header: env.WEIR_PROXY_USER_HEADER }));
  const groupsHeader = headerText(request.headers.get(env.WEIR_PROXY_GROUPS_HEADER), env.WEIR_PROXY_GROUPS_HEADER);
  // An empty header is no groups; an empty entry between commas ("a,,b") is a malformed list and refused.
  const groups = groupsHeader === null || groupsHeader.trim() === '' ? [] : groupsHeader.split(',');
  const identity = impersonatedIdentity('auth proxy', username, groups, { username: env.WEIR_PROXY_USERNAME_PREFIX, groups: env.WEIR_PROXY_GROUPS_PREFIX });
  return createImpersonatedSession({ ...identity, strategy: 'proxy' });
}
