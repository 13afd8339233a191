import { execFileSync } from 'node:child_process';
import { expect, test } from './support/test';
import { applyYaml, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { deploymentYaml, destinationRuleYaml, namespaceYaml, serviceYaml, virtualServiceYaml, yamlDocuments } from './support/shop';

/** shop with v1 (all traffic) and v2 (none) in a namespace of this spec's own: a take-over of v2 really changes it. */
const NAMESPACE = 'access-e2e';
const SHOP = yamlDocuments(
  namespaceYaml(NAMESPACE),
  serviceYaml(NAMESPACE, 'shop'),
  deploymentYaml(NAMESPACE, 'shop', 'v1'),
  deploymentYaml(NAMESPACE, 'shop', 'v2'),
  destinationRuleYaml(NAMESPACE, 'shop', ['v1', 'v2']),
  virtualServiceYaml(NAMESPACE, 'shop', { v1: 100 }),
);

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('a viewer signs in, sees the routing and cannot change it', async ({ page, context }) => {
    await page.goto('/services/sandbox/demo/nginx');
    await expect(page).toHaveURL(/\/login/);
    await page.getByRole('button', { name: 'Sign in as victor' }).click();
    await expect(page.getByTestId('signed-in-user')).toHaveText('Signed in as victor');

    const service = new ServicePage(page);
    await service.open('demo', 'nginx');
    await expect(page.getByRole('button', { name: 'Add gray version' })).toBeDisabled();
    await expect(page.getByRole('button', { name: 'Edit gray policy' })).toBeDisabled();
    await expect(page.getByTestId('read-only-reason')).toHaveText('victor may not change routing in demo (RBAC)');

    // The session is an opaque id in an httpOnly, SameSite=Strict cookie; nothing is kept in the page.
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'weir_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('weir_session');
    expect(await page.evaluate(() => Object.keys(localStorage).length + Object.keys(sessionStorage).length)).toBe(0);
  });
});

test.describe('writes', () => {
  test.beforeAll(() => {
    applyYaml(SHOP);
    waitAvailable(NAMESPACE);
  });

  test.afterAll(() => {
    execFileSync(process.env.WEIR_SANDBOX_KUBECTL!, ['--kubeconfig', process.env.WEIR_SANDBOX_KUBECONFIG!, '--context', 'admin', 'delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
  });

  test('a cross-site POST, or one without the CSRF token, is refused and changes nothing; with it, the change reaches the API server', async ({ page }) => {
    const service = new ServicePage(page);
    await service.open(NAMESPACE, 'shop');
    await expect(service.weight('v2')).toHaveText('0%');
    expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 100 });
    // A change that really changes something, against the split as it is now: only the CSRF check stands in its way.
    const { view } = (await (await page.request.get(`/api/services/sandbox/${NAMESPACE}/shop`)).json()) as { view: { splitEtag: string } };
    const target = `/api/services/sandbox/${NAMESPACE}/shop/intents`;
    const data = { mode: 'apply', intent: { type: 'take-over', expected: view.splitEtag, version: 'v2' } };
    const origin = new URL(page.url()).origin;

    const crossSite = await page.request.post(target, { data, headers: { origin: 'https://evil.example' } });
    expect(crossSite.status()).toBe(403);
    const noToken = await page.request.post(target, { data, headers: { origin } });
    expect(noToken.status()).toBe(403);
    expect((await noToken.json()).error.message).toContain('CSRF');
    expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 100 });

    // The same request from the console's own page, with the session's token: alice may, and the API server has it.
    const { csrfToken } = (await (await page.request.get('/api/auth/session')).json()) as { csrfToken: string };
    const allowed = await page.request.post(target, { data, headers: { origin, 'x-csrf-token': csrfToken } });
    expect(allowed.status(), await allowed.text()).toBe(200);
    expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v2: 100 });
    await expect(service.weight('v2')).toHaveText('100%');
  });
});

test('a client cannot pose as the trusted auth proxy by sending the peer header itself', async ({ playwright }) => {
  // The e2e console trusts proxy headers only from 192.0.2.1; server.mjs overwrites any peer header a client sends.
  const anonymous = await playwright.request.newContext({ baseURL: process.env.WEIR_E2E_BASE_URL });
  const response = await anonymous.get('/api/auth/proxy', {
    headers: { 'x-weir-peer-address': '192.0.2.1', 'x-forwarded-user': 'admin' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(403);
  expect(response.headers()['set-cookie']).toBeUndefined();
  await anonymous.dispose();
});
