/**
 * Session users: every synthetic caller is a user who keeps a cookie jar per Service it calls, as a browser
 * keeps cookies per host. An answer's `Set-Cookie` (which only the client's sidecar adds, by the route istiod
 * pushed: the simulated workloads set none) goes into the jar, and the user's later requests to that Service
 * carry the jar's cookies in their Cookie header, after the cookies its caller class sends itself (those are
 * older; a browser lists older cookies first, RFC 6265 5.4), joined by `; ` as browsers join them. An empty jar
 * adds nothing, so without a Set-Cookie in the mesh every request is what its caller class sends.
 *
 * Cookies (RFC 6265, for what a synthetic request can exercise): `Max-Age` (else `Expires`) is honoured by wall
 * clock, 0 or less deleting the cookie, none keeping it for the simulator's life; `Path` by path-match, the
 * default being the request path's directory; a `Secure` cookie is not stored (the calls are plain HTTP, RFC
 * 6265bis); `Domain`, `HttpOnly` and `SameSite` are ignored (the jar is the called Service's host only).
 *
 * For `/split` per called Service: `users` who sent a request; `withCookie`, users whose jar holds a live
 * cookie set by the Service's answers; and, for a user whose request carried a cookie set by an answer from
 * version X, `stayed` when every such answer since came from X and `left` once one came from another version
 * (users, not requests). Only answers from a workload count: Envoy's own (a 404, a 503, an abort) are from no
 * version, and carry no headers here.
 */
import type { MeshRequest } from './mesh-request.ts';
import { pathAndQuery } from './mesh-request.ts';
import type { RequestOutcome } from './simulate-request.ts';

export interface SessionCounts {
  /** Session users who sent a request to the Service (every caller is one). */
  users: number;
  /** Users whose jar holds a live cookie that the Service's answers set. */
  withCookie: number;
  /** Users who carried a cookie set by an answer from version X, and got every answer since from X. */
  stayed: number;
  /** Users who carried such a cookie and at least once got an answer from another version. */
  left: number;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  /** Wall-clock ms; absent: until the simulator stops. */
  expiresAt?: number;
  /** The version whose answer set it. */
  version: string;
  /** When it was set, in answers recorded: the latest a request carried says where the user sticks. */
  setAt: number;
}

interface UserState {
  /** By cookie name and path, in creation order (replacing a cookie keeps its place, RFC 6265 5.3). */
  jar: Map<string, StoredCookie>;
  stayed: boolean;
  left: boolean;
}

/** The parts of a Set-Cookie value the jar uses; undefined for one a user agent ignores. */
export function parseSetCookie(header: string, now: number): { name: string; value: string; path?: string; expiresAt?: number; secure: boolean } | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const equals = pair.indexOf('=');
  if (equals < 0) return undefined;
  const name = pair.slice(0, equals).trim();
  if (!name) return undefined;
  const cookie: { name: string; value: string; path?: string; expiresAt?: number; secure: boolean } = { name, value: pair.slice(equals + 1).trim(), secure: false };
  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const at = attribute.indexOf('=');
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const value = at < 0 ? '' : attribute.slice(at + 1).trim();
    if (key === 'max-age' && /^-?\d+$/.test(value)) maxAge = Number(value);
    else if (key === 'expires' && !Number.isNaN(Date.parse(value))) expires = Date.parse(value);
    else if (key === 'path' && value.startsWith('/')) cookie.path = value;
    else if (key === 'secure') cookie.secure = true;
  }
  if (maxAge !== undefined) cookie.expiresAt = maxAge <= 0 ? -Infinity : now + maxAge * 1000;
  else if (expires !== undefined) cookie.expiresAt = expires;
  return cookie;
}

/** RFC 6265 5.1.4: the request path's directory, `/` at the top. */
function defaultPath(requestPath: string): string {
  const last = requestPath.lastIndexOf('/');
  return requestPath.startsWith('/') && last > 0 ? requestPath.slice(0, last) : '/';
}

/** RFC 6265 5.1.4 path-match. */
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/');
}

const live = (cookie: StoredCookie, now: number) => cookie.expiresAt === undefined || cookie.expiresAt > now;

export class SessionUsers {
  private readonly services = new Map<string, Map<number, UserState>>();
  private answers = 0;

  /** `now` is the wall clock in ms (a test passes its own). */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * User `user`'s request to `service`: `caller`'s, with the jar's cookies for the path, handed to `exchange`
   * (which routes and answers it); the answer is recorded and its Set-Cookie stored. Undefined, and nothing
   * recorded, when `exchange` sent nothing (no config from istiod yet).
   */
  send(user: number, service: { namespace: string; name: string }, caller: MeshRequest, exchange: (request: MeshRequest) => RequestOutcome | undefined): RequestOutcome | undefined {
    const users = this.usersOf(service.namespace, service.name);
    const state = users.get(user) ?? { jar: new Map<string, StoredCookie>(), stayed: false, left: false };
    const now = this.now();
    const { path } = pathAndQuery(caller);
    const carried = [...state.jar.values()].filter((cookie) => live(cookie, now) && pathMatches(path, cookie.path));
    // Longer paths first, then creation order (Array.prototype.sort is stable).
    carried.sort((a, b) => b.path.length - a.path.length);
    const request = carried.length === 0 ? caller : withCookies(caller, carried.map((cookie) => `${cookie.name}=${cookie.value}`).join('; '));

    const outcome = exchange(request);
    if (!outcome) return undefined;
    users.set(user, state);
    if (outcome.byProxy) return outcome;
    const version = outcome.destinationVersion;
    // The cookie the user's request carried that was set last stands for the version it sticks to.
    const anchor = carried.reduce<StoredCookie | undefined>((latest, cookie) => (latest && latest.setAt > cookie.setAt ? latest : cookie), undefined);
    if (anchor) {
      if (anchor.version === version) state.stayed = true;
      else state.left = true;
    }
    for (const [name, value] of outcome.responseHeaders ?? []) {
      if (name !== 'set-cookie') continue;
      const cookie = parseSetCookie(value, now);
      if (!cookie || cookie.secure) continue;
      const stored: StoredCookie = { name: cookie.name, value: cookie.value, path: cookie.path ?? defaultPath(path), expiresAt: cookie.expiresAt, version, setAt: (this.answers += 1) };
      const key = `${stored.name};${stored.path}`;
      if (!live(stored, now)) state.jar.delete(key);
      else state.jar.set(key, stored);
    }
    for (const [key, cookie] of state.jar) if (!live(cookie, now)) state.jar.delete(key);
    return outcome;
  }

  /** The session counts of the users of `namespace/name` since the simulator started. */
  counts(namespace: string, name: string): SessionCounts {
    const counts: SessionCounts = { users: 0, withCookie: 0, stayed: 0, left: 0 };
    const now = this.now();
    for (const state of this.services.get(`${namespace}/${name}`)?.values() ?? []) {
      counts.users += 1;
      if ([...state.jar.values()].some((cookie) => live(cookie, now))) counts.withCookie += 1;
      if (state.left) counts.left += 1;
      else if (state.stayed) counts.stayed += 1;
    }
    return counts;
  }

  private usersOf(namespace: string, name: string): Map<number, UserState> {
    const key = `${namespace}/${name}`;
    let users = this.services.get(key);
    if (!users) this.services.set(key, (users = new Map()));
    return users;
  }
}

function withCookies(caller: MeshRequest, cookies: string): MeshRequest {
  const own = caller.headers.cookie;
  return { ...caller, headers: { ...caller.headers, cookie: own ? `${own}; ${cookies}` : cookies } };
}
