/**
 * Item 3 of issue 15: unbounded bodies. Every route that reads a body is sent chunked bodies of several sizes
 * (no Content-Length at all), bodies whose Content-Length lies, and an honest but too large Content-Length.
 * Each is a 413 saying the limit, the server stops pulling the body just past the limit (the generator counts
 * what was read), and nothing changes in the cluster.
 */
import { describe, expect, inject, it } from 'vitest';
import { resourceVersions } from '../../test/sandbox-client.ts';
import { signIn } from '../../test/console-session.ts';

const sandbox = inject('sandbox');
process.env.WEIR_KUBECONFIG = sandbox.consoleKubeconfig;
process.env.WEIR_DEV_KUBECONFIG = sandbox.kubeconfig;
process.env.WEIR_SANDBOX = 'true';

const ORIGIN = 'http://weir.test';
const CHUNK = 8 * 1024;
const LOGIN_LIMIT = 20 * 1024;
const LIMIT = 64 * 1024;

const routes = {
  login: await import('@/app/api/auth/login/route'),
  intents: await import('@/app/api/services/[cluster]/[namespace]/[name]/intents/route'),
  release: await import('@/app/api/services/[cluster]/[namespace]/[name]/release/route'),
  decide: await import('@/app/api/approvals/[cluster]/[namespace]/[name]/[id]/route'),
};
const nginx = { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx' }) };
const approval = { params: Promise.resolve({ cluster: 'sandbox', namespace: 'demo', name: 'nginx', id: 'x' }) };

/** A body of `size` bytes produced on demand (a JSON string that never closes), counting what the server pulled. */
function streamedBody(size: number): { body: ReadableStream<Uint8Array>; pulled: () => number; cancelled: () => boolean } {
  let sent = 0;
  let cancelled = false;
  const filler = new TextEncoder().encode('{"strategy":"token","token":"'.padEnd(CHUNK, 'a'));
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= size) return controller.close();
        const chunk = filler.subarray(0, Math.min(CHUNK, size - sent));
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, pulled: () => sent, cancelled: () => cancelled };
}

function post(headers: Record<string, string>, body: BodyInit, extra: Record<string, string> = {}): Request {
  return new Request(ORIGIN, { method: 'POST', headers: { ...headers, ...extra }, body, duplex: 'half' } as RequestInit);
}

async function expectTooLarge(response: Response, limit: number): Promise<void> {
  expect(response.status).toBe(413);
  const { error } = (await response.json()) as { error: { reason: string; message: string } };
  expect(error.reason).toBe('RequestEntityTooLarge');
  expect(error.message).toContain(`${limit} bytes`);
}

describe('request bodies are limited while they stream in', () => {
  const anonymous = { origin: ORIGIN, host: 'weir.test', 'content-type': 'application/json' };

  it.each([21 * 1024, 256 * 1024, 64 * 1024 * 1024])('the login route (no session needed) refuses a chunked body of %i bytes after reading about 20 KiB of it', async (size) => {
    const { body, pulled, cancelled } = streamedBody(size);
    await expectTooLarge(await routes.login.POST(post(anonymous, body)), LOGIN_LIMIT);
    expect(pulled()).toBeLessThanOrEqual(LOGIN_LIMIT + 2 * CHUNK);
    expect(cancelled()).toBe(true);
  });

  it('a Content-Length that lies low does not let a large body through', async () => {
    const { body, pulled } = streamedBody(4 * 1024 * 1024);
    await expectTooLarge(await routes.login.POST(post(anonymous, body, { 'content-length': '64' })), LOGIN_LIMIT);
    expect(pulled()).toBeLessThanOrEqual(LOGIN_LIMIT + 2 * CHUNK);
  });

  it('an honest Content-Length over the limit is refused without reading the body', async () => {
    const { body, pulled } = streamedBody(LOGIN_LIMIT + 1);
    await expectTooLarge(await routes.login.POST(post(anonymous, body, { 'content-length': String(LOGIN_LIMIT + 1) })), LOGIN_LIMIT);
    expect(pulled()).toBe(0);
  });

  it('a body within the limit is read and judged on its content', async () => {
    const body = JSON.stringify({ strategy: 'token', token: 'n'.repeat(16_000) });
    const response = await routes.login.POST(post(anonymous, body));
    expect(response.status).toBe(401);
  });

  it.each([
    ['intents', (request: Request) => routes.intents.POST(request, nginx)],
    ['release', (request: Request) => routes.release.POST(request, nginx)],
    ['approval decision', (request: Request) => routes.decide.POST(request, approval)],
  ] as const)('the %s route refuses chunked and lying bodies past 64 KiB, and nothing changes', async (_name, call) => {
    const alice = await signIn('alice');
    const before = await resourceVersions(sandbox, 'demo');
    for (const [size, extra] of [
      [LIMIT + 1, {}],
      [8 * 1024 * 1024, {}],
      [8 * 1024 * 1024, { 'content-length': '100' }],
    ] as const) {
      const { body, pulled } = streamedBody(size);
      await expectTooLarge(await call(post(alice.write, body, extra)), LIMIT);
      expect(pulled()).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
    }
    expect(await resourceVersions(sandbox, 'demo')).toEqual(before);
  });
});
