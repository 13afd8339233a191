// Pages get their Content-Security-Policy (a fresh nonce per page: no inline script runs without it) and, outside
// the sandbox, HSTS from proxy.ts at request time (lib/http/security-headers.ts). The headers below never change.
const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node is ESM-only and talks to the API server: keep it out of the bundle, on the server.
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
  // proxy.ts runs for pages, and Next.js buffers a request body for it (10 MB by default) before a page is
  // even chosen; no page reads a body, and API routes, outside proxy.ts, count theirs (lib/http/body-limit.ts).
  experimental: { proxyClientMaxBodySize: 64 * 1024 },
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        ],
      },
      // API answers (JSON, the sign-in return page) run nothing; kept equal to lib/http/security-headers.ts.
      { source: '/api/:path*', headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }] },
    ];
  },
};

export default nextConfig;
