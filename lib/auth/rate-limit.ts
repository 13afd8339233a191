import 'server-only';
import { NextResponse } from 'next/server';
import { weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { frontServerPeer } from './front-server';
import { fromTrustedProxy } from './proxy';
import { say } from '@/lib/i18n/messages';

/** A token bucket: `capacity` attempts at once, refilled at `capacity` per minute. */
interface Bucket {
  tokens: number;
  at: number;
}

const registry = globalThis as typeof globalThis & { __weirLoginBuckets?: Map<string, Bucket> };
const GLOBAL_KEY = '*';
// Bounds memory under a flood from many addresses: full buckets carry no information and are dropped first.
const MAX_BUCKETS = 50_000;

function buckets(): Map<string, Bucket> {
  registry.__weirLoginBuckets ??= new Map();
  return registry.__weirLoginBuckets;
}

/** The bucket of `key`, refilled for the time since it was last used. */
function bucket(key: string, perMinute: number, now: number): Bucket {
  const all = buckets();
  const found = all.get(key);
  if (!found) {
    if (all.size >= MAX_BUCKETS) forgetFull(now);
    const fresh = { tokens: perMinute, at: now };
    all.set(key, fresh);
    return fresh;
  }
  found.tokens = Math.min(perMinute, found.tokens + ((now - found.at) / 60_000) * perMinute);
  found.at = now;
  return found;
}

function forgetFull(now: number): void {
  const { WEIR_LOGIN_RATE_PER_ADDRESS: perMinute } = weirEnv();
  for (const [key, entry] of buckets()) {
    if (key !== GLOBAL_KEY && entry.tokens + ((now - entry.at) / 60_000) * perMinute >= perMinute) buckets().delete(key);
  }
  // Still full of live buckets: start over rather than grow without bound (the global bucket still limits).
  if (buckets().size >= MAX_BUCKETS) buckets().clear();
}

/** Seconds until `entry` holds one attempt again. */
function secondsUntilOne(entry: Bucket, perMinute: number): number {
  return Math.max(1, Math.ceil(((1 - entry.tokens) * 60) / perMinute));
}

/**
 * The client address a limit is kept for: the TCP peer server.mjs writes into its own header (a client's value
 * never survives it). Without server.mjs all clients share one address, so the per-address limit acts as a
 * second global one.
 */
function clientAddress(request: Request): string {
  // Everyone behind the trusted auth proxy shares its address: there, the person it names is the client.
  if (fromTrustedProxy(request.headers)) return `proxy-user:${request.headers.get(weirEnv().WEIR_PROXY_USER_HEADER)?.trim() ?? ''}`;
  return frontServerPeer(request.headers) || 'unknown';
}

/**
 * Takes one sign-in attempt from the client's address and from everyone's budget (WEIR_LOGIN_RATE_PER_ADDRESS /
 * WEIR_LOGIN_RATE_GLOBAL per minute); throws 429 with the seconds to wait when either is spent. Each attempt
 * costs the API server a SelfSubjectReview per cluster, or the console a pending OIDC sign-in.
 */
export function takeLoginAttempt(request: Request): void {
  const env = weirEnv();
  const now = Date.now();
  const address = clientAddress(request);
  const mine = bucket(`address:${address}`, env.WEIR_LOGIN_RATE_PER_ADDRESS, now);
  const everyone = bucket(GLOBAL_KEY, env.WEIR_LOGIN_RATE_GLOBAL, now);
  if (mine.tokens < 1) {
    const wait = secondsUntilOne(mine, env.WEIR_LOGIN_RATE_PER_ADDRESS);
    throw new HttpError(429, 'TooManyRequests', say('server.rateAddress', { seconds: wait }), undefined, { retryAfterSeconds: wait });
  }
  if (everyone.tokens < 1) {
    const wait = secondsUntilOne(everyone, env.WEIR_LOGIN_RATE_GLOBAL);
    throw new HttpError(429, 'TooManyRequests', say('server.rateGlobal', { seconds: wait }), undefined, { retryAfterSeconds: wait });
  }
  mine.tokens -= 1;
  everyone.tokens -= 1;
}

/**
 * For a login route's first line: undefined when the attempt may go on, else the 429 response to send, with
 * `Retry-After`. Attempts are counted before anything else is done, so a refused one costs nothing.
 */
export function loginRateLimited(request: Request): NextResponse | undefined {
  try {
    takeLoginAttempt(request);
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const wait = (error.details as { retryAfterSeconds: number }).retryAfterSeconds;
    console.warn(`[weir] sign-in refused (429) for ${clientAddress(request)}: ${error.message}`);
    return NextResponse.json(
      { error: { status: 429, reason: error.reason, message: error.message, details: { retryAfterSeconds: wait } } },
      { status: 429, headers: { 'retry-after': String(wait), 'cache-control': 'no-store' } },
    );
  }
}
