import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { FRONT_SERVER_HEADER, PEER_HEADER, frontServerPeer, registerFrontServer, stampRequest } from './front-server';

/** The headers a route handler sees for what the client sent, after server.mjs (or nothing) touched them. */
function asRouteSees(headers: IncomingHttpHeaders): Headers {
  return new Headers(Object.entries(headers).map(([name, value]): [string, string] => [name, String(value)]));
}

describe('the front server’s stamp', () => {
  it('trusts no peer header before server.mjs registered its mark (next start, next dev)', () => {
    const sent = { [PEER_HEADER]: '10.0.0.1', [FRONT_SERVER_HEADER]: 'anything' };
    expect(frontServerPeer(asRouteSees(sent))).toBeUndefined();
    expect(frontServerPeer(asRouteSees({ [PEER_HEADER]: '10.0.0.1' }))).toBeUndefined();
  });

  it('overwrites what the client sent and is the only way to a trusted peer', () => {
    const mark = registerFrontServer();
    expect(registerFrontServer()).toBe(mark);
    expect(mark).toMatch(/^[\w-]{43}$/);
    const forged: IncomingHttpHeaders = { [PEER_HEADER]: '10.0.0.1', [FRONT_SERVER_HEADER]: 'guess' };
    expect(frontServerPeer(asRouteSees(forged))).toBeUndefined();
    expect(frontServerPeer(asRouteSees({ ...forged, [FRONT_SERVER_HEADER]: `${mark}x` }))).toBeUndefined();
    expect(frontServerPeer(asRouteSees({ ...forged, [FRONT_SERVER_HEADER]: mark.slice(1) }))).toBeUndefined();

    stampRequest(forged, '::ffff:192.0.2.7', mark);
    expect(forged).toEqual({ [PEER_HEADER]: '192.0.2.7', [FRONT_SERVER_HEADER]: mark });
    expect(frontServerPeer(asRouteSees(forged))).toBe('192.0.2.7');
  });
});
