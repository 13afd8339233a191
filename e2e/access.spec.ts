import { expect, test } from './support/test';
import { vsWeights } from './support/cluster';
import { ServicePage } from './pages/service-page';

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

test('a cross-site POST, or one without the CSRF token, is refused and changes nothing', async ({ page }) => {
  await page.goto('/services/sandbox/demo/nginx');
  const before = vsWeights('demo', 'nginx');
  const target = '/api/services/sandbox/demo/nginx/intents';
  const data = { mode: 'apply', intent: { type: 'take-over', expected: 'x', version: Object.keys(before)[0] } };

  const crossSite = await page.request.post(target, { data, headers: { origin: 'https://evil.example' } });
  expect(crossSite.status()).toBe(403);
  const noToken = await page.request.post(target, { data, headers: { origin: new URL(page.url()).origin } });
  expect(noToken.status()).toBe(403);
  expect((await noToken.json()).error.message).toContain('CSRF');
  expect(vsWeights('demo', 'nginx')).toEqual(before);
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
