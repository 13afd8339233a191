import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect, test } from './support/test';
import { getObject, vsWeights } from './support/cluster';
import { startExtraConsole, type ExtraConsole } from './support/extra-console';
import { kubectl, type Sandbox } from '../dev/sandbox/sandbox.ts';
import { podinfoNamespace } from '../test/podinfo.ts';
import { oidcClientEnv, signInAtProvider, startOidcProvider, type TestProvider } from '../test/oidc-provider.ts';

/*
 * Two console processes (production build, server.mjs, WEIR_SESSION_STORE=cluster) behind a round-robin proxy
 * with no stickiness: consecutive requests of one browser land on alternate replicas. Sign-in (dev, token and
 * OIDC), a wizard apply, an approval and the change stream all go through it, and no request is refused with
 * 401 / 403 unless the test means it to be (after logout).
 */

const NAMESPACE = 'replicas';

interface Served {
  replica: number;
  method: string;
  path: string;
  status: number;
  cookie: string;
  /** The test expects this answer to be a refusal (the proxy drops the marker header). */
  expectDenied: boolean;
}

/** A round-robin loopback proxy: request n goes to replica n mod 2; bodies and SSE stream through unbuffered. */
class RoundRobin {
  readonly served: Served[] = [];
  targets: URL[] = [];
  /** How many requests arrived: the next one goes to replica `next % 2`. */
  next = 0;
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((incoming, outgoing) => {
      const replica = this.next++ % this.targets.length;
      const target = this.targets[replica]!;
      const expectDenied = incoming.headers['x-test-expect-denied'] === '1';
      delete incoming.headers['x-test-expect-denied'];
      const upstream = httpRequest(
        // A connection per request (agent: false): a kept-alive socket the console has closed meanwhile would reset.
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers, agent: false },
        (answer) => {
          this.served.push({ replica, method: incoming.method!, path: incoming.url!, status: answer.statusCode!, cookie: String(incoming.headers.cookie ?? ''), expectDenied });
          outgoing.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      outgoing.on('close', () => upstream.destroy());
      incoming.pipe(upstream);
    });
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  unexpectedRefusals(): Served[] {
    return this.served.filter((entry) => (entry.status === 401 || entry.status === 403) && !entry.expectDenied);
  }
}

/** A browser's view of one session: its cookie and CSRF token, and requests that carry them. */
class Browser {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, { headers: { cookie: this.cookie, ...headers }, redirect: 'manual' });
  }

  async post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, origin: this.base, 'content-type': 'application/json', 'x-csrf-token': this.csrf, ...headers },
      body: JSON.stringify(body),
    });
  }

  /** Keeps the session cookie the answer sets and reads this session's CSRF token (from whichever replica). */
  async adopt(response: Response): Promise<void> {
    const line = response.headers.getSetCookie().find((value) => value.startsWith('weir_session='));
    expect(line, `no session cookie: ${response.status} ${await response.clone().text()}`).toBeDefined();
    this.cookie = line!.split(';')[0]!;
    const session = await this.get('/api/auth/session');
    expect(session.status).toBe(200);
    this.csrf = ((await session.json()) as { csrfToken: string }).csrfToken;
  }
}

let proxy: RoundRobin;
let provider: TestProvider;
const consoles: ExtraConsole[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const sandbox = { dir: process.env.WEIR_SANDBOX_DIR_E2E!, kubeconfig: process.env.WEIR_SANDBOX_KUBECONFIG!, kubectl: process.env.WEIR_SANDBOX_KUBECTL! } as Sandbox;
  await kubectl(sandbox, ['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true']);
  await podinfoNamespace(sandbox, NAMESPACE);
  proxy = new RoundRobin();
  await proxy.start();
  const redirectUrl = `${proxy.url}/api/auth/oidc/callback`;
  provider = await startOidcProvider(redirectUrl);
  const env = {
    WEIR_SANDBOX: 'true',
    WEIR_DEV_KUBECONFIG: process.env.WEIR_SANDBOX_KUBECONFIG,
    WEIR_AUTH_STRATEGIES: 'dev,token,oidc',
    ...oidcClientEnv(provider, redirectUrl),
    WEIR_SESSION_STORE: 'cluster',
    WEIR_SESSION_SECRET: 'replicas-e2e-session-key-0123456789abcdef',
    WEIR_LOGIN_RATE_PER_ADDRESS: '600',
    // The streams re-check their session every second: logout elsewhere ends them quickly.
    WEIR_STREAM_KEEPALIVE_SECONDS: '1',
  };
  consoles.push(...(await Promise.all([startExtraConsole('server.mjs', env), startExtraConsole('server.mjs', env)])));
  proxy.targets = consoles.map((running) => new URL(running.url));
});

test.afterAll(async () => {
  await proxy?.stop();
  await provider?.close();
  await Promise.all(consoles.map((running) => running.stop()));
});

function sandboxToken(user: string): string {
  const config = parse(readFileSync(process.env.WEIR_SANDBOX_KUBECONFIG!, 'utf8')) as { users: { name: string; user: { token?: string } }[] };
  return config.users.find((entry) => entry.name === user)!.user.token!;
}

async function splitEtag(browser: Browser): Promise<string> {
  const response = await browser.get(`/api/services/sandbox/${NAMESPACE}/podinfo`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { view: { splitEtag: string } }).view.splitEtag;
}

/** Reads a change stream until `marker` appears or it ends; answers what it read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { text: string }, marker: string | RegExp, timeoutMs = 15_000): Promise<boolean> {
  const decoder = new TextDecoder();
  const deadline = Date.now() + timeoutMs;
  const found = () => (typeof marker === 'string' ? seen.text.includes(marker) : marker.test(seen.text));
  while (!found() && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), deadline - Date.now()))]);
    if (next === 'timeout') break;
    if (next.done) break;
    seen.text += decoder.decode(next.value);
  }
  return found();
}

test('two replicas behind round-robin: dev, token and OIDC sessions, a wizard apply, an approval and the change stream, with no unexpected 401 / 403', async () => {
  test.setTimeout(180_000);
  // dev sign-in (alice, operator), token sign-in (bob, team lead, with his own bearer token), OIDC sign-in (carol
  // at the provider is nobody in RBAC; alice there is the operator again, impersonated).
  const dev = new Browser(proxy.url);
  await dev.adopt(await dev.post('/api/auth/login', { strategy: 'dev', user: 'alice' }));
  const token = new Browser(proxy.url);
  await token.adopt(await token.post('/api/auth/login', { strategy: 'token', token: sandboxToken('bob') }));
  const oidc = new Browser(proxy.url);
  const start = await oidc.get(`/api/auth/oidc/start?next=/services/sandbox/${NAMESPACE}/podinfo`);
  expect(start.status).toBe(303);
  const pending = start.headers.getSetCookie()[0]!.split(';')[0]!;
  const callbackUrl = await signInAtProvider(start.headers.get('location')!, 'alice');
  const callback = await fetch(`${proxy.url}${callbackUrl.pathname}${callbackUrl.search}`, { headers: { cookie: pending } });
  expect(callback.status, await callback.clone().text()).toBe(200);
  await oidc.adopt(callback);

  // Each session reads a few times: its requests alternate between the replicas.
  for (const browser of [dev, token, oidc]) {
    for (let i = 0; i < 3; i++) {
      expect((await browser.get('/api/services')).status).toBe(200);
      expect((await browser.get('/api/auth/session')).status).toBe(200);
    }
    expect((await browser.get(`/services/sandbox/${NAMESPACE}/podinfo`)).status).toBe(200);
  }

  // The change stream, on whichever replica it lands, sees a change made through the other.
  const stream = await dev.get('/api/events', { accept: 'text/event-stream' });
  expect(stream.status).toBe(200);
  const streamReplica = proxy.served.at(-1)!.replica;
  const reader = stream.body!.getReader();
  const seen = { text: '' };
  expect(await readUntil(reader, seen, 'event: ready')).toBe(true);

  // A wizard apply (alice, dev session): v2 gets 20%.
  seen.text = '';
  const apply = await dev.post(`/api/services/sandbox/${NAMESPACE}/podinfo/intents`, {
    mode: 'apply',
    intent: { type: 'set-weights', expected: await splitEtag(dev), weights: { v1: 80, v2: 20 } },
  });
  expect(apply.status, await apply.clone().text()).toBe(200);
  expect(vsWeights(NAMESPACE, 'podinfo')).toEqual({ v1: 80, v2: 20 });
  expect(await readUntil(reader, seen, /event: change\ndata: [^\n]*"namespace":"replicas","name":"podinfo"/)).toBe(true);

  // A change that needs approval: bob (token) asks for it in the policy, alice (OIDC) asks to take over, bob approves.
  const policy = await token.post(`/api/services/sandbox/${NAMESPACE}/podinfo/release`, { action: 'set-policy', approval: 'beforePromotion' });
  expect(policy.status, await policy.clone().text()).toBe(200);
  const asked = await oidc.post(`/api/services/sandbox/${NAMESPACE}/podinfo/intents`, { mode: 'apply', intent: { type: 'take-over', expected: await splitEtag(oidc), version: 'v2' } });
  expect(asked.status, await asked.clone().text()).toBe(200);
  const { mode, request } = (await asked.json()) as { mode: string; request: { id: string; requestedBy: string } };
  expect({ mode, requestedBy: request.requestedBy }).toEqual({ mode: 'requested', requestedBy: 'alice' });
  await expect
    .poll(async () => ((await (await token.get('/api/approvals')).json()) as { pending: { request: { id: string } }[] }).pending.some((item) => item.request.id === request.id))
    .toBe(true);
  const decided = await token.post(`/api/approvals/sandbox/${NAMESPACE}/podinfo/${request.id}`, { decision: 'approve', comment: 'two replicas agree' });
  expect(decided.status, await decided.clone().text()).toBe(200);
  expect(vsWeights(NAMESPACE, 'podinfo')).toEqual({ v2: 100 });
  expect(getObject('releases.weir.dev', NAMESPACE, 'podinfo').status.approvals.at(-1)).toMatchObject({ state: 'Approved', requestedBy: 'alice', decidedBy: 'bob' });

  // Until now, nobody was refused anything, and every session was served by both replicas.
  expect(proxy.unexpectedRefusals()).toEqual([]);
  for (const browser of [dev, token, oidc]) {
    const replicas = new Set(proxy.served.filter((entry) => entry.cookie.includes(browser.cookie)).map((entry) => entry.replica));
    expect([...replicas].sort()).toEqual([0, 1]);
  }
  expect(proxy.served.filter((entry) => entry.replica === 0).length).toBeGreaterThan(10);
  expect(proxy.served.filter((entry) => entry.replica === 1).length).toBeGreaterThan(10);
  console.log(`two replicas served ${proxy.served.length} requests (${proxy.served.filter((entry) => entry.replica === 0).length} / ${proxy.served.filter((entry) => entry.replica === 1).length}), 0 unexpected 401 / 403`);

  // Logout through the replica that does not hold the stream: the stream ends there anyway, and neither
  // replica accepts the session any more.
  if (proxy.next % 2 === streamReplica) expect((await fetch(`${proxy.url}/api/auth/login`)).status).toBe(200);
  const logout = await dev.post('/api/auth/logout', {});
  expect(logout.status).toBe(200);
  expect(proxy.served.at(-1)!.replica).not.toBe(streamReplica);
  expect(await readUntil(reader, seen, 'event: signed-out', 10_000)).toBe(true);
  for (let i = 0; i < 2; i++) expect((await dev.get('/api/auth/session', { 'x-test-expect-denied': '1' })).status).toBe(401);
  expect(new Set(proxy.served.slice(-2).map((entry) => entry.replica)).size).toBe(2);
  // The other sessions are untouched.
  for (let i = 0; i < 2; i++) expect((await token.get('/api/services')).status).toBe(200);
  expect(proxy.unexpectedRefusals()).toEqual([]);
});
