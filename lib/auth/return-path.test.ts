import { describe, expect, it } from 'vitest';
import { HOME_PATH, safeReturnPath } from './return-path';

const ORIGIN = 'https://weir.example';

/** Ways an attacker writes "another site" into `?next=`, each of which some browser, proxy or framework follows. */
const ATTACKS = [
  // other origins and scheme-relative URLs
  'https://evil.example/x',
  'http:evil.example',
  '//evil.example',
  '///evil.example',
  '////evil.example/x',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\\/evil.example',
  // normalisation walks: dot segments that collapse into `//`
  '/.//evil.example',
  '/..//evil.example',
  '/./..//evil.example',
  '/a/../..//evil.example',
  '/services/../../evil.example',
  '/.',
  '/..',
  // percent-encoded slashes, backslashes and dots, once and twice
  '/%2F%2Fevil.example',
  '/%2f%2fevil.example',
  '/%2F/evil.example',
  '//%2Fevil.example',
  '/%5Cevil.example',
  '/%5cevil.example',
  '/%5C%5Cevil.example',
  '/%252F%252Fevil.example',
  '/%25252F%25252Fevil.example',
  '/%2E%2E//evil.example',
  '/%2e/%2fevil.example',
  // tabs, newlines and other controls that URL parsers strip (`/\t/evil` is `//evil` to a browser)
  '/\t/evil.example',
  '/\n/evil.example',
  '/\r\n/evil.example',
  '/%09/evil.example',
  '/%0A/evil.example',
  '/%0D%0ALocation:%20https://evil.example',
  '/services%0d%0aSet-Cookie:x=y',
  '/services?x=%0d%0aSet-Cookie:x=y',
  '/\u0000/evil.example',
  '/%00/evil.example',
  ' /services',
  '/services ',
  '/ /evil.example',
  // Unicode look-alikes and invisible characters
  '/\uFF0F\uFF0Fevil.example',
  '/\u2215\u2215evil.example',
  '/\u200B/evil.example',
  '/%E2%80%8B/evil.example',
  '/%EF%BC%8F%EF%BC%8Fevil.example',
  '/\u202Eelpmaxe.live//',
  // other schemes
  'javascript:alert(1)',
  'JavaScript:alert(document.cookie)',
  ' javascript:alert(1)',
  '/javascript:alert(1)//%0a',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  // malformed escapes and junk
  '/%E0%A4%A',
  '/%',
  '/%zz',
  'services',
  '',
  '?next=/x',
  '#/x',
  `/${'a'.repeat(3000)}`,
];

describe('safeReturnPath', () => {
  it.each(ATTACKS)('refuses %j and falls back to the home page', (attack) => {
    expect(safeReturnPath(attack)).toBe(HOME_PATH);
    // Whatever it answers, a browser resolving it stays on the console's origin.
    expect(new URL(safeReturnPath(attack), ORIGIN).origin).toBe(ORIGIN);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, {}, ['/services'], true]) expect(safeReturnPath(value)).toBe(HOME_PATH);
  });

  it('keeps the console’s own paths with their query and fragment', () => {
    expect(safeReturnPath('/')).toBe('/');
    expect(safeReturnPath('/services')).toBe('/services');
    expect(safeReturnPath('/services/sandbox/demo/nginx?tab=routing')).toBe('/services/sandbox/demo/nginx?tab=routing');
    expect(safeReturnPath('/releases?a=1#b')).toBe('/releases?a=1#b');
    expect(safeReturnPath('/services?q=%E7%81%B0%E5%BA%A6&sort=-name')).toBe('/services?q=%E7%81%B0%E5%BA%A6&sort=-name');
    expect(safeReturnPath('/services?q=a%20b')).toBe('/services?q=a%20b');
    // A URL inside the query is data for the page, not a place to go.
    expect(safeReturnPath('/services?from=https://x.example//y')).toBe('/services?from=https://x.example//y');
  });

  it('answers the path as the URL parser serialises it, so the checked string is the one sent', () => {
    expect(safeReturnPath('/services?q="x"')).toBe('/services?q=%22x%22');
    expect(safeReturnPath('/services/<b>')).toBe('/services/%3Cb%3E');
  });
});
