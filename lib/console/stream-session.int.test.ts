/**
 * Item 6 of issue 15: change streams and their session. A stream held open across logout, across the session's
 * expiry and while idle ends with `signed-out`; keep-alives do not keep a session alive; one session cannot hold
 * more than WEIR_STREAMS_PER_SESSION streams.
 */
import { describe, expect, inject, it } from 'vitest';
import { signIn, type SignedIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_DEV_KUBECONFIG = sandbox.kubeconfig;
process.env.WEIR_SANDBOX = 'true';
process.env.WEIR_STREAM_KEEPALIVE_SECONDS = '1';
process.env.WEIR_STREAMS_PER_SESSION = '8';

const ORIGIN = 'http://weir.test';
const routes = {
  events: await import('@/app/api/events/route'),
  logout: await import('@/app/api/auth/logout/route'),
  session: await import('@/app/api/auth/session/route'),
};
const store = await import('@/lib/auth/session-store');

interface OpenStream {
  status: number;
  /** Reads until the text contains `marker` or the stream ends; answers what was read and whether it ended. */
  until(marker: string, timeoutMs?: number): Promise<{ text: string; ended: boolean }>;
  close(): void;
}

async function openStream(caller: SignedIn): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await routes.events.GET(new Request(`${ORIGIN}/api/events`, { headers: caller.read, signal: abort.signal }));
  const reader = response.status === 200 ? response.body!.getReader() : undefined;
  const decoder = new TextDecoder();
  let text = '';
  // One read in flight at a time, kept across calls: a read that outlives a timeout still delivers its chunk.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  return {
    status: response.status,
    async until(marker, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(marker) && Date.now() < deadline) {
        pending ??= reader!.read();
        const next = await Promise.race([pending, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline - Date.now()))]);
        if (next === 'timeout') break;
        pending = undefined;
        if (next.done) return { text, ended: true };
        text += decoder.decode(next.value);
      }
      return { text, ended: false };
    },
    close: () => abort.abort(),
  };
}

async function sessionOf(caller: SignedIn) {
  const cookie = caller.read.cookie!;
  return (await store.peekSession(cookie.slice(cookie.indexOf('=') + 1)))!;
}

async function ends(stream: OpenStream): Promise<void> {
  const { text } = await stream.until('event: signed-out');
  expect(text).toContain('event: signed-out');
  expect((await stream.until('never', 3000)).ended).toBe(true);
}

describe('change streams end with their session', () => {
  it('a stream held across logout ends at once with signed-out', async () => {
    const alice = await signIn('alice');
    const stream = await openStream(alice);
    expect(stream.status).toBe(200);
    expect((await stream.until('event: ready')).text).toContain('event: ready');
    const started = Date.now();
    const logout = await routes.logout.POST(new Request(`${ORIGIN}/api/auth/logout`, { method: 'POST', headers: alice.write }));
    expect(logout.status).toBe(200);
    await ends(stream);
    expect(Date.now() - started).toBeLessThan(3000);
    // The same cookie cannot open a new one.
    expect((await openStream(alice)).status).toBe(401);
  });

  it('a stream outliving its session’s maximum age ends at the next keep-alive, and the session is gone', async () => {
    const alice = await signIn('alice');
    const stream = await openStream(alice);
    await stream.until('event: ready');
    // Thirteen hours after sign-in (WEIR_SESSION_MAX_HOURS is 12):
    (await sessionOf(alice)).createdAt -= 13 * 3_600_000;
    await ends(stream);
    expect((await routes.session.GET(new Request(ORIGIN, { headers: alice.read }))).status).toBe(401);
  });

  it('keep-alives do not count as activity: an idle session ends although its tab stays open', async () => {
    const alice = await signIn('alice');
    const stream = await openStream(alice);
    await stream.until('event: ready');
    const seen = (await sessionOf(alice)).lastSeenAt;
    const { text } = await stream.until('never', 2500);
    expect(text.match(/: keep-alive/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect((await sessionOf(alice)).lastSeenAt).toBe(seen);
    // Thirty-one minutes without a request (WEIR_SESSION_IDLE_MINUTES is 30):
    (await sessionOf(alice)).lastSeenAt -= 31 * 60_000;
    await ends(stream);
  });

  it('one session holds at most 8 streams; the 9th is 429, other sessions are not affected, a closed one frees its place', async () => {
    const alice = await signIn('alice');
    const streams = await Promise.all(Array.from({ length: 8 }, () => openStream(alice)));
    expect(streams.map((stream) => stream.status)).toEqual(Array(8).fill(200));
    const ninth = await openStream(alice);
    expect(ninth.status).toBe(429);
    const bob = await signIn('bob');
    const other = await openStream(bob);
    expect(other.status).toBe(200);
    streams[0]!.close();
    await streams[0]!.until('never', 200);
    const again = await openStream(alice);
    expect(again.status).toBe(200);
    expect((await openStream(alice)).status).toBe(429);
    [...streams, again, other].forEach((stream) => stream.close());
  });
});
