/**
 * Which listener and filter chain of a sidecar handle a connection. With REDIRECT interception every
 * outbound connection lands on the `useOriginalDst` listener (15001), which hands it to the listener bound
 * to the original destination `ip:port`, else to the wildcard `0.0.0.0:port`, else keeps it. Then Envoy's
 * filter chain match, criterion by criterion: at each step only the most specific matching chains go on,
 * and chains that leave the criterion empty are the fallback.
 */
import type { ChainMatch, FilterChain, Listener } from './snapshot.ts';

/** What a filter chain match looks at on a plain-text HTTP/1.1 connection. */
export interface Connection {
  destinationIp: string;
  destinationPort: number;
  sourceIp: string;
  sourcePort: number;
}

function ipv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d+$/.test(part) || octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** The length of the longest of `ranges` that holds `address`, or -1. IPv6 ranges never hold (the sandbox is IPv4). */
function longestPrefix(ranges: readonly string[], address: string): number {
  const ip = ipv4(address);
  let best = -1;
  for (const range of ranges) {
    const [base = '', lengthText = '32'] = range.split('/');
    const length = Number(lengthText);
    const network = ipv4(base);
    if (ip === undefined || network === undefined) continue;
    const size = 2 ** (32 - length);
    if (Math.floor(ip / size) === Math.floor(network / size) && length > best) best = length;
  }
  return best;
}

type Step = (match: ChainMatch) => number | undefined;

/**
 * One criterion: the score of a chain (higher is more specific), `undefined` when the chain names the
 * criterion and the connection does not meet it, 0 when the chain leaves it empty.
 */
function steps(connection: Connection): Step[] {
  const http = 'http/1.1';
  return [
    (m) => (m.destinationPort ? (m.destinationPort === connection.destinationPort ? 1 : undefined) : 0),
    (m) => (m.prefixRanges?.length ? rangeScore(m.prefixRanges, connection.destinationIp) : 0),
    // A plain-text connection has no SNI: only chains without server names go on.
    (m) => (m.serverNames?.length ? undefined : 0),
    (m) => (m.transportProtocol ? (m.transportProtocol === 'raw_buffer' ? 1 : undefined) : 0),
    (m) => (m.applicationProtocols?.length ? (m.applicationProtocols.includes(http) ? 1 : undefined) : 0),
    (m) => (m.directSourcePrefixRanges?.length ? rangeScore(m.directSourcePrefixRanges, connection.sourceIp) : 0),
    (m) => (m.sourceType ? (m.sourceType === sourceTypeOf(connection) ? 1 : undefined) : 0),
    (m) => (m.sourcePrefixRanges?.length ? rangeScore(m.sourcePrefixRanges, connection.sourceIp) : 0),
    (m) => (m.sourcePorts?.length ? (m.sourcePorts.includes(connection.sourcePort) ? 1 : undefined) : 0),
  ];
}

function rangeScore(ranges: readonly string[], address: string): number | undefined {
  const length = longestPrefix(ranges, address);
  // +1 so that an explicit 0.0.0.0/0 still outranks an empty list, as in Envoy.
  return length < 0 ? undefined : length + 1;
}

function sourceTypeOf(connection: Connection): string {
  return connection.sourceIp === connection.destinationIp || connection.sourceIp.startsWith('127.') ? 'SAME_IP_OR_LOOPBACK' : 'EXTERNAL';
}

/** The filter chain Envoy picks for `connection`, else the listener's default chain. */
export function selectFilterChain(listener: Listener, connection: Connection): FilterChain | undefined {
  let candidates = listener.filterChains;
  for (const step of steps(connection)) {
    let best = -1;
    let kept: FilterChain[] = [];
    for (const chain of candidates) {
      const score = step(chain.match ?? {});
      if (score === undefined) continue;
      if (score > best) [best, kept] = [score, [chain]];
      else if (score === best) kept.push(chain);
    }
    candidates = kept;
    if (candidates.length === 0) break;
  }
  return candidates[0] ?? listener.defaultFilterChain;
}

/** The listener that ends up handling an outbound connection to `ip:port`. */
export function selectListener(listeners: readonly Listener[], ip: string, port: number): Listener | undefined {
  return (
    listeners.find((listener) => listener.address === ip && listener.port === port) ??
    listeners.find((listener) => listener.address === '0.0.0.0' && listener.port === port) ??
    listeners.find((listener) => listener.useOriginalDst && listener.bindToPort)
  );
}
