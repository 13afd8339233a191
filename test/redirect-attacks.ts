/**
 * `next=` values that point, after someone's normalisation, at another site, at script or at a header: every
 * sign-in flow must land them on the console (the integration suite through OIDC, the end-to-end one in Chromium).
 */
export const REDIRECT_ATTACKS = [
  'https://evil.example/',
  '//evil.example',
  '/\\evil.example',
  '/.//evil.example',
  '/..//evil.example',
  '/%2F%2Fevil.example',
  '/%5Cevil.example',
  '/%252F%252Fevil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '/services\r\nSet-Cookie: x=y',
  'javascript:alert(document.cookie)',
  '/\uff0f\uff0fevil.example',
];
