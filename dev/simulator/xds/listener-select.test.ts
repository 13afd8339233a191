import { describe, expect, it } from 'vitest';
import { selectFilterChain, selectListener, type Connection } from './listener-select.ts';
import { helloSnapshot } from './snapshot.test-helpers.ts';
import type { Listener } from './snapshot.ts';

const to = (destinationIp: string, destinationPort: number): Connection => ({ destinationIp, destinationPort, sourceIp: '10.244.9.9', sourcePort: 40_000 });

describe('which listener takes an outbound connection', () => {
  const listeners: Listener[] = [
    ...helloSnapshot([]).listeners,
    { name: '10.96.0.20_5000', address: '10.96.0.20', port: 5000, bindToPort: false, filterChains: [{ tcp: { cluster: 'outbound|5000||db.demo.svc.cluster.local' } }] },
  ];

  it('is the one bound to the original destination, else the wildcard for the port, else 15001 itself', () => {
    expect(selectListener(listeners, '10.96.0.20', 5000)?.name).toBe('10.96.0.20_5000');
    expect(selectListener(listeners, '10.96.0.10', 5000)?.name).toBe('0.0.0.0_5000');
    expect(selectListener(listeners, '10.96.0.10', 7070)?.name).toBe('virtualOutbound');
  });

  it("then the filter chain for a plain-text HTTP/1.1 connection, falling back to 15001's catch-all", () => {
    const [http] = listeners;
    expect(selectFilterChain(http!, to('10.96.0.10', 5000))?.http?.routeConfigName).toBe('5000');
    const outbound = selectListener(listeners, '10.96.0.10', 7070)!;
    expect(selectFilterChain(outbound, to('10.96.0.10', 7070))?.name).toBe('virtualOutbound-catchall-tcp');
  });
});

describe("Envoy's filter chain match", () => {
  const listener = (chains: Listener['filterChains'], fallback?: Listener['defaultFilterChain']): Listener => ({ name: 'l', address: '0.0.0.0', port: 80, bindToPort: false, filterChains: chains, defaultFilterChain: fallback });

  it('prefers the most specific destination range over a wider one and over none', () => {
    const chains = listener([{ name: 'none' }, { name: 'wide', match: { prefixRanges: ['10.0.0.0/8'] } }, { name: 'narrow', match: { prefixRanges: ['10.96.0.0/16'] } }]);
    expect(selectFilterChain(chains, to('10.96.0.10', 80))?.name).toBe('narrow');
    expect(selectFilterChain(chains, to('10.1.0.1', 80))?.name).toBe('wide');
    expect(selectFilterChain(chains, to('192.168.0.1', 80))?.name).toBe('none');
  });

  it('does not fall back past a criterion that a more specific chain met, then uses the default chain', () => {
    const chains = listener([{ name: 'tls', match: { destinationPort: 80, transportProtocol: 'tls' } }, { name: 'any-port' }], { name: 'default' });
    expect(selectFilterChain(chains, to('10.96.0.10', 80))?.name).toBe('default');
    expect(selectFilterChain(chains, to('10.96.0.10', 81))?.name).toBe('any-port');
  });

  it('skips chains that need SNI, another application protocol, or a given source', () => {
    const chains = listener([
      { name: 'sni', match: { serverNames: ['hello'] } },
      { name: 'h2', match: { applicationProtocols: ['h2'] } },
      { name: 'local', match: { sourceType: 'SAME_IP_OR_LOOPBACK' } },
      { name: 'http', match: { applicationProtocols: ['http/1.0', 'http/1.1'] } },
    ]);
    expect(selectFilterChain(chains, to('10.96.0.10', 80))?.name).toBe('http');
  });
});
