/**
 * How a route knows that a request came through server.mjs, Weir's front server, and which TCP peer sent it.
 * server.mjs registers a random mark (this process only) before Next.js starts and stamps every request with it
 * and with the socket's address, overwriting whatever the client sent. Started any other way (`next start`,
 * `next dev`, another custom server) no mark exists, so nothing is trusted: the proxy strategy fails closed.
 *
 * Plain, type-strippable TypeScript without path aliases: server.mjs imports it with Node's own loader.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The TCP peer address, as server.mjs saw the socket. */
export const PEER_HEADER = 'x-weir-peer-address';
/** The front server's mark: proof that server.mjs, not a client, set PEER_HEADER. */
export const FRONT_SERVER_HEADER = 'x-weir-front-server';

const MARK = Symbol.for('weir.frontServerMark');
const registry = globalThis as unknown as Record<symbol, string | undefined>;

/** Called once by server.mjs before it serves: creates this process's mark (idempotent) and answers it. */
export function registerFrontServer(): string {
  registry[MARK] ??= randomBytes(32).toString('base64url');
  return registry[MARK];
}

/** What server.mjs does to each request: the socket's peer address and the mark, replacing any client value. */
export function stampRequest(headers: IncomingHttpHeaders, remoteAddress: string | undefined, mark: string): void {
  headers[PEER_HEADER] = (remoteAddress ?? '').replace(/^::ffff:/, '');
  headers[FRONT_SERVER_HEADER] = mark;
}

function sameSecret(a: string, b: string): boolean {
  // Hashes have equal length, which timingSafeEqual needs; comparing them takes the same time wherever they differ.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * The TCP peer of a request that server.mjs stamped, or undefined when this process has no front server or the
 * request does not carry its mark: then no header of the request may be taken as the peer's word.
 */
export function frontServerPeer(headers: { get(name: string): string | null }): string | undefined {
  const mark = registry[MARK];
  const sent = headers.get(FRONT_SERVER_HEADER);
  if (!mark || !sent || !sameSecret(sent, mark)) return undefined;
  return headers.get(PEER_HEADER) ?? undefined;
}
