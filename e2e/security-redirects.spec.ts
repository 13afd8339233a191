import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { parse } from 'yaml';
import { startExtraConsole, type ExtraConsole } from './support/extra-console';
import { REDIRECT_ATTACKS } from '../test/redirect-attacks';
import { expect, test } from './support/test';

/** Every host the page asked for: none may be evil.example. */
function watchHosts(page: Page): Set<string> {
  const hosts = new Set<string>();
  page.on('request', (request) => hosts.add(new URL(request.url()).host));
  page.on('framenavigated', (frame) => hosts.add(new URL(frame.url()).host));
  return hosts;
}

/** The page's CSP violations, as Chromium reports them on the console. */
function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/** The nonce of a page's script-src, checked to be the only way scripts run. */
function scriptNonce(policy: string | undefined): string {
  const scripts = (policy ?? '').split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src '));
  expect(scripts, `script-src in ${policy}`).toBeDefined();
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
  const nonce = /'nonce-([A-Za-z0-9+/=]{22,})'/.exec(scripts!)?.[1];
  expect(nonce, scripts).toBeDefined();
  return nonce!;
}

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  for (const next of REDIRECT_ATTACKS) {
    test(`after sign-in, next=${JSON.stringify(next)} stays on the console`, async ({ page, baseURL }) => {
      const hosts = watchHosts(page);
      let dialogs = 0;
      page.on('dialog', (dialog) => {
        dialogs += 1;
        void dialog.dismiss();
      });
      await page.goto(`/login?${new URLSearchParams({ next })}`);
      await page.getByRole('button', { name: 'Sign in as victor' }).click();
      await expect(page.getByTestId('signed-in-user')).toHaveText('Signed in as victor');
      await expect(page).toHaveURL(`${baseURL}/services`);
      expect([...hosts].filter((host) => host !== new URL(baseURL!).host)).toEqual([]);
      expect(dialogs).toBe(0);
    });
  }

  test('after sign-in, a path of the console is kept', async ({ page, baseURL }) => {
    await page.goto(`/login?${new URLSearchParams({ next: '/services/sandbox/demo/nginx?tab=history' })}`);
    await page.getByRole('button', { name: 'Sign in as victor' }).click();
    await expect(page).toHaveURL(`${baseURL}/services/sandbox/demo/nginx?tab=history`);
  });
});

test('pages on the sandbox carry a nonce CSP that their own scripts satisfy, and no HSTS (plain http)', async ({ page }) => {
  const violations = watchCspViolations(page);
  const response = await page.goto('/services?namespace=demo');
  const nonce = scriptNonce(response!.headers()['content-security-policy']);
  expect(response!.headers()['strict-transport-security']).toBeUndefined();
  // Every script Next.js rendered carries this page's nonce; the page then runs (the list renders, live).
  const scripts = await page.locator('script').evaluateAll((elements) => elements.map((element) => (element as HTMLScriptElement).nonce));
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.every((value) => value === nonce)).toBe(true);
  await expect(page.getByTestId('signed-in-user')).toHaveText('Signed in as alice');
  await expect(page.getByRole('link', { name: 'nginx.demo' })).toBeVisible();
  // A second page view draws a new nonce.
  const again = await page.goto('/services');
  expect(scriptNonce(again!.headers()['content-security-policy'])).not.toBe(nonce);
  expect(violations).toEqual([]);
});

test('markup injected into a page cannot run script: its inline event handlers have no nonce', async ({ page }) => {
  await page.goto('/services');
  await expect(page.getByTestId('signed-in-user')).toBeVisible();
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    // What an HTML injection (a name rendered unescaped, say) would put into the page.
    document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__weirInjected = true" alt="">');
    const frame = document.createElement('div');
    frame.innerHTML = '<svg><animate onbegin="window.__weirInjected = true" attributeName="x" dur="1s"></animate></svg>';
    document.body.append(frame);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ran: (window as unknown as { __weirInjected?: boolean }).__weirInjected === true, violations };
  });
  expect(outcome.ran).toBe(false);
  expect(outcome.violations.length).toBeGreaterThan(0);
  expect(outcome.violations.every((directive) => directive.startsWith('script-src'))).toBe(true);
});

function aliceToken(): string {
  const config = parse(readFileSync(process.env.WEIR_SANDBOX_KUBECONFIG!, 'utf8')) as {
    contexts: { name: string; context: { user: string } }[];
    users: { name: string; user: { token?: string } }[];
  };
  const user = config.contexts.find((context) => context.name === 'alice')!.context.user;
  return config.users.find((entry) => entry.name === user)!.user.token!;
}

test.describe('a console outside the sandbox (node server.mjs, WEIR_SANDBOX unset)', () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  let outside: ExtraConsole;

  test.beforeAll(async () => {
    outside = await startExtraConsole('server.mjs', { WEIR_SANDBOX: undefined, WEIR_AUTH_STRATEGIES: 'token,proxy', WEIR_PROXY_TRUSTED_ADDRESSES: '127.0.0.1' });
  });
  test.afterAll(async () => {
    await outside?.stop();
  });

  test('its session cookie is __Host- and Secure, its pages send HSTS and a nonce CSP, and they work', async ({ page, context }) => {
    const violations = watchCspViolations(page);
    const login = await page.goto(`${outside.url}/login?next=${encodeURIComponent('/services/sandbox/demo/nginx')}`);
    expect(login!.headers()['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    scriptNonce(login!.headers()['content-security-policy']);
    await page.getByLabel('Kubernetes bearer token').fill(aliceToken());
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page).toHaveURL(`${outside.url}/services/sandbox/demo/nginx`);
    await expect(page.getByTestId('signed-in-user')).toHaveText('Signed in as alice');
    await expect(page.getByTestId('service-title')).toHaveText('nginx.demo');
    const cookies = (await context.cookies(outside.url)).filter((cookie) => cookie.name.includes('weir_session'));
    expect(cookies).toEqual([expect.objectContaining({ name: '__Host-weir_session', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' })]);
    expect(violations).toEqual([]);
  });

  test('proxy login works through server.mjs from the trusted address; a spoofed mark changes nothing', async ({ playwright }) => {
    const client = await playwright.request.newContext({ baseURL: outside.url });
    const signedIn = await client.get('/api/auth/proxy?next=/.//evil.example', { headers: { 'x-forwarded-user': 'alice' }, maxRedirects: 0 });
    expect(signedIn.status()).toBe(302);
    expect(signedIn.headers()['location']).toBe('/services');
    expect(signedIn.headers()['set-cookie']).toMatch(/^__Host-weir_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const systemGroup = await client.get('/api/auth/proxy', { headers: { 'x-forwarded-user': 'alice', 'x-forwarded-groups': ' system:masters' }, maxRedirects: 0 });
    expect(systemGroup.status()).toBe(403);
    expect(systemGroup.headers()['set-cookie']).toBeUndefined();
    await client.dispose();
  });
});

test.describe('a console started with next start instead of server.mjs', () => {
  let bare: ExtraConsole;

  test.beforeAll(async () => {
    bare = await startExtraConsole('next start', { WEIR_SANDBOX: 'true', WEIR_AUTH_STRATEGIES: 'dev,proxy', WEIR_PROXY_TRUSTED_ADDRESSES: '127.0.0.1' });
  });
  test.afterAll(async () => {
    await bare?.stop();
  });

  test('refuses every proxy login, even from the trusted address with forged peer and mark headers', async ({ playwright }) => {
    const client = await playwright.request.newContext({ baseURL: bare.url });
    const attempts: Record<string, string>[] = [
      { 'x-forwarded-user': 'alice' },
      { 'x-forwarded-user': 'admin', 'x-weir-peer-address': '127.0.0.1' },
      { 'x-forwarded-user': 'admin', 'x-weir-peer-address': '127.0.0.1', 'x-weir-front-server': 'guessed' },
    ];
    for (const headers of attempts) {
      const response = await client.get('/api/auth/proxy', { headers, maxRedirects: 0 });
      expect(response.status()).toBe(403);
      expect((await response.json()).error.message).toContain('server.mjs');
      expect(response.headers()['set-cookie']).toBeUndefined();
      // The login page does not sign anyone in by itself either: it shows the form.
      const page = await client.get('/login', { headers, maxRedirects: 0 });
      expect(page.status()).toBe(200);
    }
    await client.dispose();
  });
});
