import 'server-only';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { weirEnv } from '@/lib/config/env';

/** Who is signed in, and how the console acts for them towards the API server. */
export interface SessionUser {
  username: string;
  groups: string[];
  strategy: 'dev' | 'token' | 'oidc' | 'proxy';
}

export interface Session {
  id: string;
  user: SessionUser;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  credential: SessionCredential;
}

/**
 * How the console acts for the user: with their bearer token (encrypted; decrypted only to build their API
 * client), or with its own identity impersonating them (OIDC when the API server does not trust the issuer).
 */
export type SessionCredential =
  | { kind: 'token'; sealedToken: string; clusters: ClusterIdentities }
  | { kind: 'impersonate'; user: string; groups: string[] };

/** Who each cluster that accepted a token says it belongs to; the token is sent to these clusters only. */
export type ClusterIdentities = Record<string, { username: string; groups: string[] }>;

/** A user whose token the API servers have just reviewed, with the clusters that accepted it. */
export type ReviewedUser = SessionUser & { clusters: ClusterIdentities };

// Sessions live in this process: one console replica, or sticky sessions in front of several.
const registry = globalThis as typeof globalThis & {
  __weirSessions?: Map<string, Session>;
  __weirSessionKey?: Buffer;
  __weirSessionEnds?: Map<string, Set<() => void>>;
  __weirSessionSweep?: { at: number; timer?: NodeJS.Timeout };
};

function key(): Buffer {
  const secret = weirEnv().WEIR_SESSION_SECRET;
  if (secret) return createHash('sha256').update(secret).digest();
  registry.__weirSessionKey ??= randomBytes(32);
  return registry.__weirSessionKey;
}

function sessions(): Map<string, Session> {
  registry.__weirSessions ??= new Map();
  return registry.__weirSessions;
}

/** AES-256-GCM, so a dump of the session store does not hand out tokens. */
export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

export function unseal(sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

function startSession(user: SessionUser, credential: SessionCredential): Session {
  const now = Date.now();
  sweepInPassing(now);
  const session: Session = {
    id: randomBytes(32).toString('base64url'),
    user,
    csrfToken: randomBytes(32).toString('base64url'),
    createdAt: now,
    lastSeenAt: now,
    credential,
  };
  sessions().set(session.id, session);
  return session;
}

/** Starts a session for a user whose token the API server has just accepted. */
export function createSession({ clusters, ...user }: ReviewedUser, token: string): Session {
  return startSession(user, { kind: 'token', sealedToken: seal(token), clusters });
}

/**
 * Starts a session the console serves by impersonating `user` (and their groups, plus system:authenticated);
 * only for identities an identity provider has just vouched for.
 */
export function createImpersonatedSession(user: SessionUser): Session {
  const groups = [...new Set([...user.groups, 'system:authenticated'])];
  return startSession(user, { kind: 'impersonate', user: user.username, groups });
}

function isOver(session: Session, now: number): boolean {
  const env = weirEnv();
  return now - session.lastSeenAt > env.WEIR_SESSION_IDLE_MINUTES * 60_000 || now - session.createdAt > env.WEIR_SESSION_MAX_HOURS * 3_600_000;
}

/** The live session with this id, or undefined when unknown, idle too long or too old (then it is removed). */
export function findSession(id: string | undefined): Session | undefined {
  const session = peekSession(id);
  if (session) session.lastSeenAt = Date.now();
  return session;
}

/**
 * Like findSession, but does not count as activity: for a keep-alive, which must not hold an idle session
 * open.
 */
export function peekSession(id: string | undefined): Session | undefined {
  if (!id) return undefined;
  const session = sessions().get(id);
  if (!session) return undefined;
  if (isOver(session, Date.now())) {
    deleteSession(id);
    return undefined;
  }
  return session;
}

export function deleteSession(id: string): void {
  sessions().delete(id);
  const listeners = registry.__weirSessionEnds?.get(id);
  registry.__weirSessionEnds?.delete(id);
  listeners?.forEach((listener) => listener());
}

/** Calls `listener` once when the session ends (logout, expiry seen by anyone, sweep); answers the unsubscribe. */
export function onSessionEnd(id: string, listener: () => void): () => void {
  registry.__weirSessionEnds ??= new Map();
  const listeners = registry.__weirSessionEnds.get(id) ?? new Set();
  registry.__weirSessionEnds.set(id, listeners);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && registry.__weirSessionEnds?.get(id) === listeners) registry.__weirSessionEnds.delete(id);
  };
}

const SWEEP_EVERY_MS = 60_000;

/** Removes every idle or expired session; answers how many. */
export function sweepSessions(now = Date.now()): number {
  let removed = 0;
  for (const [id, session] of sessions()) {
    if (isOver(session, now)) {
      deleteSession(id);
      removed += 1;
    }
  }
  return removed;
}

/**
 * Sessions nobody comes back for would stay in memory: a timer sweeps every minute, and a new sign-in sweeps
 * in passing when the last sweep is that old (timers may not run where the process is frozen between requests).
 */
function sweepInPassing(now: number): void {
  registry.__weirSessionSweep ??= { at: now };
  const sweep = registry.__weirSessionSweep;
  if (!sweep.timer) {
    sweep.timer = setInterval(() => {
      sweep.at = Date.now();
      sweepSessions(sweep.at);
    }, SWEEP_EVERY_MS);
    sweep.timer.unref();
  }
  if (now - sweep.at >= SWEEP_EVERY_MS) {
    sweep.at = now;
    sweepSessions(now);
  }
}

/** How many sessions the process holds (live or not yet swept). */
export function sessionCount(): number {
  return sessions().size;
}
