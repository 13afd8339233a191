import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_CONTENT_SECURITY_POLICY, contentSecurityPolicy, newNonce } from './security-headers';

describe('security headers', () => {
  it('allows page scripts only with this request’s nonce, never inline scripts as such', () => {
    const nonce = newNonce();
    const policy = contentSecurityPolicy(nonce);
    const scripts = policy.split('; ').find((directive) => directive.startsWith('script-src '))!;
    expect(scripts).toBe(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
  });

  it('draws a fresh 128-bit nonce for every page', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    expect(nonces.size).toBe(1000);
    for (const nonce of nonces) expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
  });

  it('keeps next.config.js’s API policy equal to the one here', () => {
    const config = readFileSync(new URL('../../next.config.js', import.meta.url), 'utf8');
    expect(config).toContain(`const API_CONTENT_SECURITY_POLICY = "${API_CONTENT_SECURITY_POLICY}"`);
    expect(config).not.toContain('unsafe-inline');
  });
});
