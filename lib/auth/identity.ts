/**
 * Identities the console impersonates, built from what an identity provider or an auth proxy says. The API
 * server reads Impersonate-User / Impersonate-Group as HTTP headers (trimmed, byte for byte), so a claim is
 * normalised first and checked after: what is checked is exactly what the API server will see.
 */
import { HttpError } from '@/lib/http/errors';
import { say } from '@/lib/i18n/messages';

/** Prefixes put before every impersonated name, like kube-apiserver's --oidc-username-prefix / --oidc-groups-prefix. */
export interface IdentityPrefixes {
  username: string;
  groups: string;
}

export interface ImpersonatedIdentity {
  username: string;
  groups: string[];
}

/** Longer names are no one's: bounds the headers sent with every API call. */
export const MAX_NAME_LENGTH = 256;
/** More groups than any real directory hands one user; each becomes a header line on every API call. */
export const MAX_GROUPS = 256;

// Controls (C0, C1, DEL), format characters (zero-width spaces and joiners, bidi overrides and isolates, BOM,
// soft hyphen, tags), unassigned, private-use and lone surrogates, and any whitespace (ASCII, NBSP, line and
// paragraph separators, ideographic space).
const UNSAFE = /[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}\s\p{Z}]/u;

/** Why a name cannot be impersonated, for the 403's message (the name itself is shown escaped). */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (UNSAFE.test(name)) return 'contains whitespace, control or invisible characters';
  if (/^system:/i.test(name)) return 'is a Kubernetes system identity (system:)';
  return undefined;
}

/** NFKC (full-width and compatibility forms fold to ASCII: `ｓｙｓｔｅｍ：` is `system:`), then trimmed like a header. */
export function normaliseName(raw: string): string {
  return raw.normalize('NFKC').trim();
}

function refuse(source: string, what: string, raw: unknown, problem: string): never {
  throw new HttpError(403, 'Forbidden', say('server.signInRefusedName', { source, what, name: JSON.stringify(raw), problem }));
}

function checkedName(source: string, what: string, raw: unknown, prefix: string): string {
  if (typeof raw !== 'string') refuse(source, what, raw, 'is not a string');
  const name = normaliseName(raw);
  const problem = nameProblem(name) ?? nameProblem(`${prefix}${name}`);
  if (problem) refuse(source, what, raw, problem);
  return `${prefix}${name}`;
}

/**
 * The user and groups to impersonate for a provider's claims, with the configured prefixes, or a 403 naming
 * the first name refused: one bad name refuses the sign-in rather than silently becoming someone else.
 * `source` names who made the claim in the message ("identity provider", "auth proxy").
 */
export function impersonatedIdentity(source: string, username: unknown, groups: readonly unknown[], prefixes: IdentityPrefixes): ImpersonatedIdentity {
  const user = checkedName(source, 'user name', username, prefixes.username);
  if (groups.length > MAX_GROUPS) throw new HttpError(403, 'Forbidden', say('server.signInTooManyGroups', { source, max: MAX_GROUPS }));
  const names = groups.map((group) => checkedName(source, 'group', group, prefixes.groups));
  return { username: user, groups: [...new Set(names)] };
}

/** A configured prefix is itself a name's start: it may not be a system: name or hide characters. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  if (prefix !== normaliseName(prefix)) return 'must be NFKC-normal and have no surrounding whitespace';
  const problem = nameProblem(prefix);
  return problem;
}
