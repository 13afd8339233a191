/** @type {import('next').NextConfig} */
const nextConfig = {
  // client-node is ESM-only and talks to the API server: keep it out of the bundle, on the server.
  serverExternalPackages: ['@kubernetes/client-node'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
