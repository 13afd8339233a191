/**
 * The one check of where a browser may be sent after sign-in (`?next=`), shared by every login flow (OIDC start
 * and callback, the auth proxy route, the login page and its form). Plain TypeScript without Node APIs, so the
 * client runs the very same function as the server.
 */

/** Where a refused or missing return path leads: the console's first page (not `/`, which only redirects there). */
export const HOME_PATH = '/services';

const MAX_LENGTH = 2048;
const BASE = 'http://weir.invalid';
// Printable ASCII only: a browser sends its own location percent-encoded, so anything else (tabs, newlines,
// spaces, NUL, Unicode look-alikes of `/` or `.`) was typed or injected, and URL parsers disagree about it.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Percent-decodes until nothing changes (double encoding: `%252F` → `%2F` → `/`); undefined when malformed. */
function fullyDecoded(text: string): string | undefined {
  let current = text;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) return current;
    current = next;
  }
  return undefined;
}

/** A path whose meaning could change under another reader's normalisation: `//`, `\`, dot segments, non-printables. */
function ambiguousPath(path: string): boolean {
  return !PRINTABLE_ASCII.test(path) || path.includes('//') || path.includes('\\') || /(^|\/)\.\.?(\/|$)/.test(path);
}

/**
 * `next` when it is an absolute path on this site, after normalisation, else HOME_PATH. Refused: other origins and
 * scheme-relative URLs (`//evil`, `/\evil`, `/.//evil`, `/..//evil`), backslashes, dot segments, control
 * characters and whitespace anywhere (tabs and newlines that URL parsers drop), non-ASCII, any of those hidden
 * behind percent-encoding (`/%2F%2Fevil`, `/%5Cevil`, `/%252F…`), malformed escapes, `javascript:` and other
 * schemes. The answer is the path as the URL parser serialises it, so what is checked is what is sent.
 */
export function safeReturnPath(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_LENGTH) return HOME_PATH;
  if (!PRINTABLE_ASCII.test(next) || !next.startsWith('/') || next.startsWith('//')) return HOME_PATH;
  const queryAt = next.search(/[?#]/);
  const rawPath = queryAt === -1 ? next : next.slice(0, queryAt);
  const decodedPath = fullyDecoded(rawPath);
  if (decodedPath === undefined || ambiguousPath(rawPath) || ambiguousPath(decodedPath)) return HOME_PATH;
  const rest = queryAt === -1 ? '' : next.slice(queryAt);
  const decodedRest = fullyDecoded(rest);
  if (decodedRest === undefined || CONTROL.test(decodedRest) || rest.includes('\\')) return HOME_PATH;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return HOME_PATH;
  }
  const result = `${url.pathname}${url.search}${url.hash}`;
  // Belt and braces: the serialised answer must itself be a plain path that resolves here.
  if (url.origin !== BASE || !result.startsWith('/') || result.startsWith('//') || new URL(result, BASE).origin !== BASE) return HOME_PATH;
  return result;
}
