/**
 * Envoy's virtual host selection by the request's authority (lower-cased): an exact domain first, then the
 * longest suffix wildcard (`*.example.com`, `*-bar.example.com`), then the longest prefix wildcard
 * (`example.*`), then `*`. A wildcard never matches an empty remainder. The port is dropped first when the
 * connection manager strips it or the route configuration ignores it.
 */
import type { HttpChain, RouteConfig, VirtualHost } from './snapshot.ts';

/** The authority without its port; IPv6 literals keep their brackets. */
export function withoutPort(authority: string): string {
  const match = /^(\[[^\]]*\]|[^:]*)(:\d+)?$/.exec(authority);
  return match ? match[1]! : authority;
}

function hostForMatching(authority: string, chain: HttpChain | undefined, config: RouteConfig, destinationPort: number): string {
  let host = authority.toLowerCase();
  if (chain?.stripAnyHostPort || config.ignorePortInHostMatching) host = withoutPort(host);
  else if (chain?.stripMatchingHostPort && host.endsWith(`:${destinationPort}`)) host = withoutPort(host);
  return host;
}

/** The virtual host that serves `authority` on a connection to `destinationPort`, if any. */
export function selectVirtualHost(config: RouteConfig, authority: string, chain: HttpChain | undefined, destinationPort: number): VirtualHost | undefined {
  const host = hostForMatching(authority, chain, config, destinationPort);
  let suffix: { vh: VirtualHost; length: number } | undefined;
  let prefix: { vh: VirtualHost; length: number } | undefined;
  let fallback: VirtualHost | undefined;
  for (const vh of config.virtualHosts) {
    for (const raw of vh.domains) {
      const domain = raw.toLowerCase();
      if (domain === host) return vh;
      if (domain === '*') {
        fallback ??= vh;
      } else if (domain.startsWith('*')) {
        const rest = domain.slice(1);
        if (host.length > rest.length && host.endsWith(rest) && (!suffix || rest.length > suffix.length)) suffix = { vh, length: rest.length };
      } else if (domain.endsWith('*')) {
        const rest = domain.slice(0, -1);
        if (host.length > rest.length && host.startsWith(rest) && (!prefix || rest.length > prefix.length)) prefix = { vh, length: rest.length };
      }
    }
  }
  return suffix?.vh ?? prefix?.vh ?? fallback;
}
