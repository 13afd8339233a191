import { describe, expect, it } from 'vitest';
import { HttpError } from '@/lib/http/errors';
import { impersonatedIdentity, prefixProblem } from './identity';

const NONE = { username: '', groups: '' };

function refusal(username: unknown, groups: unknown[] = [], prefixes = NONE): HttpError {
  try {
    impersonatedIdentity('identity provider', username, groups, prefixes);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(username)} / ${JSON.stringify(groups)} was accepted`);
}

/** Names that are, or that the API server would read as, a Kubernetes system identity. */
const SYSTEM_NAMES = [
  'system:masters',
  ' system:masters',
  'system:masters ',
  '\tsystem:masters',
  'system:masters\n',
  '\u00a0system:masters',
  '\u3000system:masters',
  'SYSTEM:masters',
  'System:Masters',
  '\uff53\uff59\uff53\uff54\uff45\uff4d\uff1amasters', // full-width ｓｙｓｔｅｍ：, NFKC folds it to ASCII
  'ｓystem:masters',
  'system\uff1amasters', // full-width colon
  'system:serviceaccount:kube-system:default',
  'system:kube-controller-manager',
  'system:node:worker-1',
  'system:anonymous',
];

/** Names that are not system: but would not reach the API server as they read (hidden or split characters). */
const MALFORMED_NAMES = [
  '',
  ' ',
  'alice bob',
  'alice\tbob',
  'alice\nbob',
  'alice\r\nImpersonate-Group: system:masters',
  'alice\u0000',
  'ali\u007fce',
  'ali\u0085ce',
  'sys\u200btem:masters', // zero-width space
  'system\u200d:masters', // zero-width joiner
  '\ufeffsystem:masters', // BOM (not whitespace to String.trim in every engine)
  '\u202esretsam:metsys', // right-to-left override
  'alice\u2066\u2069', // bidi isolates
  'ali\u00adce', // soft hyphen
  'ali\u2028ce', // line separator
  'a'.repeat(257),
];

describe('impersonated identities from claims and headers', () => {
  it.each(SYSTEM_NAMES)('refuses the user name %j as a system identity (403)', (name) => {
    const error = refusal(name);
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/system/);
  });

  it.each(SYSTEM_NAMES)('refuses the group %j as a system identity (403)', (name) => {
    expect(refusal('alice', ['release-team', name]).status).toBe(403);
  });

  it.each(MALFORMED_NAMES)('refuses the malformed user name %j (403)', (name) => {
    expect(refusal(name).status).toBe(403);
  });

  it.each(MALFORMED_NAMES)('refuses the malformed group %j (403)', (name) => {
    expect(refusal('alice', [name]).status).toBe(403);
  });

  it('refuses claims that are not strings, and more groups than anyone has', () => {
    for (const value of [42, null, {}, ['alice'], true]) expect(refusal(value).status).toBe(403);
    expect(refusal('alice', [7]).status).toBe(403);
    expect(refusal('alice', Array.from({ length: 257 }, (_, index) => `g${index}`)).status).toBe(403);
  });

  it('shows a refused name escaped, so a log line or the page cannot be forged with it', () => {
    expect(refusal('alice\r\nforged: yes').message).toContain('"alice\\r\\nforged: yes"');
  });

  it('keeps ordinary names, folded and trimmed to what the API server will see', () => {
    expect(impersonatedIdentity('auth proxy', ' alice@example.com ', [' release-team', 'weir-operators ', 'release-team'], NONE)).toEqual({
      username: 'alice@example.com',
      groups: ['release-team', 'weir-operators'],
    });
    // Full-width letters become ASCII; accented and CJK names are names.
    expect(impersonatedIdentity('auth proxy', '\uff41\uff4c\uff49\uff43\uff45', ['équipe-灰度'], NONE)).toEqual({ username: 'alice', groups: ['équipe-灰度'] });
    // Directory-style group names keep their structure.
    expect(impersonatedIdentity('identity provider', 'alice', ['/platform/release', 'cn=ops,ou=groups'], NONE).groups).toEqual(['/platform/release', 'cn=ops,ou=groups']);
  });

  it('puts the configured prefixes before every name, after the checks', () => {
    expect(impersonatedIdentity('identity provider', 'alice', ['release-team'], { username: 'oidc:', groups: 'oidc:' })).toEqual({
      username: 'oidc:alice',
      groups: ['oidc:release-team'],
    });
    // A prefix does not launder a system: claim.
    expect(refusal('system:masters', [], { username: 'oidc:', groups: 'oidc:' }).status).toBe(403);
    expect(refusal('alice', ['system:masters'], { username: 'oidc:', groups: 'oidc:' }).status).toBe(403);
  });

  it('accepts only prefixes that are safe names themselves', () => {
    expect(prefixProblem('')).toBeUndefined();
    expect(prefixProblem('oidc:')).toBeUndefined();
    expect(prefixProblem('https://issuer.example#')).toBeUndefined();
    for (const prefix of ['system:', 'System:oidc:', ' oidc:', 'oi dc:', 'oidc\u200b:', '\uff53ystem:']) expect(prefixProblem(prefix)).toBeDefined();
  });
});
