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
export type SessionCredential = { kind: 'token'; sealedToken: string } | { kind: 'impersonate'; user: string; groups: string[] };

// Sessions live in this process: one console replica, or sticky sessions in front of several.
const registry = globalThis as typeof globalThis & { __weirSessions?: Map<string, Session>; __weirSessionKey?: Buffer };

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
export function createSession(user: SessionUser, token: string): Session {
  return startSession(user, { kind: 'token', sealedToken: seal(token) });
}

/**
 * Starts a session the console serves by impersonating `user` (and their groups, plus system:authenticated);
 * only for identities an identity provider has just vouched for.
 */
export function createImpersonatedSession(user: SessionUser): Session {
  const groups = [...new Set([...user.groups, 'system:authenticated'])];
  return startSession(user, { kind: 'impersonate', user: user.username, groups });
}

/** The live session with this id, or undefined when unknown, idle too long or too old (then it is removed). */
export function findSession(id: string | undefined): Session | undefined {
  if (!id) return undefined;
  const session = sessions().get(id);
  if (!session) return undefined;
  const env = weirEnv();
  const now = Date.now();
  const idle = now - session.lastSeenAt > env.WEIR_SESSION_IDLE_MINUTES * 60_000;
  const expired = now - session.createdAt > env.WEIR_SESSION_MAX_HOURS * 3_600_000;
  if (idle || expired) {
    sessions().delete(id);
    return undefined;
  }
  session.lastSeenAt = now;
  return session;
}

export function deleteSession(id: string): void {
  sessions().delete(id);
}
