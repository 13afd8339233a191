import 'server-only';
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { weirEnv } from '@/lib/config/env';
import { HttpError } from '@/lib/http/errors';
import { say } from '@/lib/i18n/messages';
import { clusterTargets } from '@/lib/k8s/clusters';

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

/*
 * Where sessions live (WEIR_SESSION_STORE):
 *
 * - memory: in this process. One replica only (a restart signs everyone out).
 * - cluster: one Secret per session in the console's namespace (WEIR_NAMESPACE) of its first cluster, so any
 *   replica behind a plain round-robin Service finds it; no sticky sessions. Chosen over a sealed cookie because
 *   a token sign-in's session holds the user's bearer token: in a cookie it would travel with every request and,
 *   stolen once, stay valid until it expires whatever logout did (a revocation list in the cluster would be needed
 *   anyway, read by every replica on every request). Here the browser holds only a random id; logout deletes
 *   the Secret, and every replica stops accepting the session within CACHE_MS. The Secret's name is an HMAC of the
 *   id (a listing of Secrets names no usable session id) and its value is AES-256-GCM sealed with a key from
 *   WEIR_SESSION_SECRET, bound to that name (a Secret's content copied under another name does not open).
 *   Idle time: a replica writes `last-seen` when it is older than TOUCH_MS, so idle timeouts hold across replicas
 *   to within that much.
 *
 * Either way the CSRF token is an HMAC of the session id (any replica checks it without storing it), and the
 * OIDC state / nonce / PKCE verifier travel in a short-lived sealed cookie (lib/auth/oidc.ts).
 */
const registry = globalThis as typeof globalThis & {
  __weirSessions?: Map<string, Session>;
  __weirSessionKey?: Buffer;
  __weirSessionEnds?: Map<string, Set<() => void>>;
  __weirSessionSweep?: { at: number; timer?: NodeJS.Timeout };
  __weirSessionCache?: Map<string, Cached>;
};

/** A session another request of this process read from its Secret: trusted without asking again for CACHE_MS. */
interface Cached {
  session: Session;
  fetchedAt: number;
  /** The `last-seen` the Secret holds (this replica writes a newer one when it is TOUCH_MS older). */
  storedLastSeenAt: number;
}

/** How long a replica trusts its copy of a session: logout on another replica takes effect here within this. */
export const CACHE_MS = 2_000;
const SESSION_LABEL = 'weir.dev/session';
const LAST_SEEN = 'weir.dev/last-seen';

function key(): Buffer {
  const secret = weirEnv().WEIR_SESSION_SECRET;
  if (secret) return createHash('sha256').update(secret).digest();
  registry.__weirSessionKey ??= randomBytes(32);
  return registry.__weirSessionKey;
}

/** A value only holders of the session key can compute from `input` (for names and CSRF tokens). */
function mac(purpose: string, input: string): Buffer {
  return createHmac('sha256', key()).update(`${purpose}\0${input}`).digest();
}

function sessions(): Map<string, Session> {
  registry.__weirSessions ??= new Map();
  return registry.__weirSessions;
}

function cache(): Map<string, Cached> {
  registry.__weirSessionCache ??= new Map();
  return registry.__weirSessionCache;
}

function inCluster(): boolean {
  return weirEnv().WEIR_SESSION_STORE === 'cluster';
}

/** AES-256-GCM, so a dump of the session store does not hand out tokens; `context` binds it to a purpose. */
export function seal(plain: string, context = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(context));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url');
}

/** Opens what `seal` sealed with the same context; throws when it was altered, or sealed with another key. */
export function unseal(sealed: string, context = ''): string {
  const raw = Buffer.from(sealed, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key(), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** The session's CSRF token: derived from its id, so every replica can check it without storing it. */
export function csrfTokenFor(id: string): string {
  return mac('csrf', id).toString('base64url');
}

/** The name of the Secret holding a session (cluster store): an HMAC of its id, never the id itself. */
export function sessionSecretName(id: string): string {
  return `weir-session-${mac('name', id).toString('hex').slice(0, 40)}`;
}

function storeApi(): { api: CoreV1Api; namespace: string } {
  const [home] = clusterTargets().values();
  return { api: home!.kubeConfig.makeApiClient(CoreV1Api), namespace: weirEnv().WEIR_NAMESPACE };
}

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

function unavailable(error: unknown): HttpError {
  console.error('[weir] sessions: the session store did not answer:', error instanceof Error ? error.message : error);
  return new HttpError(503, 'ServiceUnavailable', say('server.sessionStoreUnavailable'));
}

/** What a session's Secret holds, sealed: everything but the id (the name stands for it) and the CSRF token (derived). */
type Stored = Pick<Session, 'user' | 'credential' | 'createdAt'>;

async function writeSecret(session: Session): Promise<void> {
  const { api, namespace } = storeApi();
  const name = sessionSecretName(session.id);
  const stored: Stored = { user: session.user, credential: session.credential, createdAt: session.createdAt };
  try {
    await api.createNamespacedSecret({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'weir.dev/session',
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/name': 'weir', [SESSION_LABEL]: 'true' },
          annotations: { [LAST_SEEN]: String(session.lastSeenAt) },
        },
        data: { session: Buffer.from(seal(JSON.stringify(stored), name)).toString('base64') },
      },
    });
  } catch (error) {
    throw unavailable(error);
  }
  cache().set(session.id, { session, fetchedAt: Date.now(), storedLastSeenAt: session.lastSeenAt });
}

/** The session a Secret holds, or undefined when it does not open (another key, or tampered with). */
function fromSecret(id: string, secret: V1Secret): Session | undefined {
  const name = sessionSecretName(id);
  try {
    const stored = JSON.parse(unseal(Buffer.from(secret.data?.session ?? '', 'base64').toString('utf8'), name)) as Stored;
    const lastSeenAt = Number(secret.metadata?.annotations?.[LAST_SEEN] ?? stored.createdAt);
    return { id, ...stored, csrfToken: csrfTokenFor(id), lastSeenAt };
  } catch {
    return undefined;
  }
}

/** This replica's copy of a session, read again from its Secret when older than CACHE_MS. */
async function readClusterSession(id: string, now: number): Promise<Session | undefined> {
  const cached = cache().get(id);
  if (cached && now - cached.fetchedAt < CACHE_MS) return cached.session;
  const { api, namespace } = storeApi();
  let secret: V1Secret;
  try {
    secret = await api.readNamespacedSecret({ name: sessionSecretName(id), namespace });
  } catch (error) {
    if (isNotFound(error)) {
      // Logged out (or swept) on some replica: end this replica's streams of it too.
      endSession(id);
      return undefined;
    }
    throw unavailable(error);
  }
  const session = fromSecret(id, secret);
  if (!session) return undefined;
  if (cached) {
    // Keep the object this process handed out (streams compare it), with the newest activity anyone saw.
    cached.session.lastSeenAt = Math.max(cached.session.lastSeenAt, session.lastSeenAt);
    cached.fetchedAt = now;
    cached.storedLastSeenAt = session.lastSeenAt;
    return cached.session;
  }
  cache().set(id, { session, fetchedAt: now, storedLastSeenAt: session.lastSeenAt });
  return session;
}

/** How often a replica records activity in the Secret: idle timeouts hold across replicas to within this. */
function touchEveryMs(): number {
  return Math.min(60_000, (weirEnv().WEIR_SESSION_IDLE_MINUTES * 60_000) / 4);
}

async function touchCluster(session: Session): Promise<void> {
  const cached = cache().get(session.id);
  if (!cached || session.lastSeenAt - cached.storedLastSeenAt < touchEveryMs()) return;
  const { api, namespace } = storeApi();
  cached.storedLastSeenAt = session.lastSeenAt;
  try {
    // A JSON Patch (the client's default content type); `add` replaces the annotation the Secret was created with.
    const body = [{ op: 'add', path: `/metadata/annotations/${LAST_SEEN.replace('/', '~1')}`, value: String(session.lastSeenAt) }];
    await api.patchNamespacedSecret({ name: sessionSecretName(session.id), namespace, body });
  } catch (error) {
    if (!isNotFound(error)) console.error('[weir] sessions: could not record activity:', error instanceof Error ? error.message : error);
  }
}

async function startSession(user: SessionUser, credential: SessionCredential): Promise<Session> {
  const now = Date.now();
  sweepInPassing(now);
  const id = randomBytes(32).toString('base64url');
  const session: Session = { id, user, csrfToken: csrfTokenFor(id), createdAt: now, lastSeenAt: now, credential };
  if (inCluster()) await writeSecret(session);
  else sessions().set(session.id, session);
  return session;
}

/** Starts a session for a user whose token the API server has just accepted. */
export function createSession({ clusters, ...user }: ReviewedUser, token: string): Promise<Session> {
  return startSession(user, { kind: 'token', sealedToken: seal(token), clusters });
}

/**
 * Starts a session the console serves by impersonating `user` (and their groups, plus system:authenticated);
 * only for identities an identity provider has just vouched for.
 */
export function createImpersonatedSession(user: SessionUser): Promise<Session> {
  const groups = [...new Set([...user.groups, 'system:authenticated'])];
  return startSession(user, { kind: 'impersonate', user: user.username, groups });
}

function isOver(session: Session, now: number): boolean {
  const env = weirEnv();
  return now - session.lastSeenAt > env.WEIR_SESSION_IDLE_MINUTES * 60_000 || now - session.createdAt > env.WEIR_SESSION_MAX_HOURS * 3_600_000;
}

/** The live session with this id, or undefined when unknown, idle too long or too old (then it is removed). */
export async function findSession(id: string | undefined): Promise<Session | undefined> {
  const session = await peekSession(id);
  if (session) {
    session.lastSeenAt = Date.now();
    if (inCluster()) await touchCluster(session);
  }
  return session;
}

/**
 * Like findSession, but does not count as activity: for a keep-alive, which must not hold an idle session
 * open.
 */
export async function peekSession(id: string | undefined): Promise<Session | undefined> {
  if (!id) return undefined;
  const now = Date.now();
  const session = inCluster() ? await readClusterSession(id, now) : sessions().get(id);
  if (!session) return undefined;
  if (isOver(session, now)) {
    await deleteSession(id);
    return undefined;
  }
  return session;
}

/** Ends a session everywhere: its Secret too in the cluster store (other replicas notice within CACHE_MS). */
export async function deleteSession(id: string): Promise<void> {
  if (inCluster()) {
    const { api, namespace } = storeApi();
    try {
      await api.deleteNamespacedSecret({ name: sessionSecretName(id), namespace });
    } catch (error) {
      if (!isNotFound(error)) throw unavailable(error);
    }
  }
  endSession(id);
}

/** Forgets a session in this process and tells its listeners. */
function endSession(id: string): void {
  sessions().delete(id);
  cache().delete(id);
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

/** Removes every idle or expired session; answers how many (in the cluster store: their Secrets, by any replica). */
export async function sweepSessions(now = Date.now()): Promise<number> {
  let removed = 0;
  for (const [id, session] of sessions()) {
    if (isOver(session, now)) {
      endSession(id);
      removed += 1;
    }
  }
  if (!inCluster()) return removed;
  for (const [id, cached] of cache()) if (now - cached.fetchedAt >= CACHE_MS && isOver(cached.session, now)) endSession(id);
  const env = weirEnv();
  const { api, namespace } = storeApi();
  const list = await api.listNamespacedSecret({ namespace, labelSelector: `${SESSION_LABEL}=true` });
  for (const secret of list.items) {
    const lastSeen = Number(secret.metadata?.annotations?.[LAST_SEEN] ?? 0);
    const created = new Date(secret.metadata?.creationTimestamp ?? 0).getTime();
    if (now - lastSeen <= env.WEIR_SESSION_IDLE_MINUTES * 60_000 && now - created <= env.WEIR_SESSION_MAX_HOURS * 3_600_000) continue;
    try {
      await api.deleteNamespacedSecret({ name: secret.metadata!.name!, namespace });
      removed += 1;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return removed;
}

function sweepQuietly(now: number): void {
  sweepSessions(now).catch((error: unknown) => console.error('[weir] sessions: sweep failed:', error instanceof Error ? error.message : error));
}

/**
 * Sessions nobody comes back for would stay in memory (or in the cluster): a timer sweeps every minute, and a new
 * sign-in sweeps in passing when the last sweep is that old (timers may not run where the process is frozen
 * between requests).
 */
function sweepInPassing(now: number): void {
  registry.__weirSessionSweep ??= { at: now };
  const sweep = registry.__weirSessionSweep;
  if (!sweep.timer) {
    sweep.timer = setInterval(() => {
      sweep.at = Date.now();
      sweepQuietly(sweep.at);
    }, SWEEP_EVERY_MS);
    sweep.timer.unref();
  }
  if (now - sweep.at >= SWEEP_EVERY_MS) {
    sweep.at = now;
    sweepQuietly(now);
  }
}

/** How many sessions the process holds (live or not yet swept; in the cluster store: its cached copies). */
export function sessionCount(): number {
  return sessions().size + cache().size;
}
