import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../dev/sandbox/sandbox.ts';
import { expect, test } from './support/test';
import { applyYaml, getObject, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';

/*
 * A release with a gating hook, configured through the wizard: the hook (a tiny server on loopback, in this
 * process) answers 500, so the console's controller holds the first step and the panel says why.
 */

const NAMESPACE = 'e2e-hooks';
let server: Server;
let calls = 0;

test.beforeAll(async () => {
  applyYaml(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NAMESPACE}}\n`);
  applyYaml(readFileSync(join(REPO_ROOT, 'dev/scenarios/podinfo-test.yaml'), 'utf8').replace(/\btest\b/g, NAMESPACE));
  waitAvailable(NAMESPACE);
  server = createServer((request, response) => {
    calls += 1;
    request.resume();
    request.on('end', () => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

test.afterAll(() => {
  server.closeAllConnections();
  server.close();
});

test('a confirm-traffic-increase hook set in the wizard holds the first step, and the panel says why', async ({ page }) => {
  test.setTimeout(120_000);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gate`;
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'podinfo');
  const { dialog } = service;
  await page.getByRole('button', { name: 'Start progressive release' }).click();
  await dialog.getByLabel('Stable version', { exact: true }).selectOption('v1');
  await dialog.getByLabel('Gray version', { exact: true }).selectOption('v2');
  await dialog.getByLabel('Interval between steps').fill('2s');
  await dialog.getByLabel('Approval', { exact: true }).selectOption('none');

  await dialog.getByRole('button', { name: 'Add a hook' }).click();
  const hook = dialog.getByTestId('hook-0');
  await hook.getByLabel('Name').fill('change-window');
  await hook.getByLabel('Hook point').selectOption('confirm-traffic-increase');
  // A URL with a password in it is refused next to the field, before anything is sent.
  await hook.getByLabel('URL').fill('http://ops:hunter2@127.0.0.1:9/gate');
  await dialog.getByRole('button', { name: 'Start releasing v2' }).click();
  await expect(hook.getByTestId('error-hooks.0-url')).toHaveText('must not carry a user name or password; put the credential in a Secret header');
  await hook.getByLabel('URL').fill(url);
  await hook.getByLabel('Timeout').fill('2s');
  await dialog.getByRole('button', { name: 'Start releasing v2' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(page.getByTestId('release-message')).toHaveText('held by the confirm-traffic-increase hook "change-window": it answered HTTP 500', { timeout: 60_000 });
  await expect(page.getByTestId('history-entry').filter({ hasText: 'Held by a hook' })).toContainText('confirm-traffic-increase hook "change-window" answered HTTP 500');
  expect(calls).toBeGreaterThan(0);
  expect(vsWeights(NAMESPACE, 'podinfo')).toEqual({ v1: 100 });
  const release = getObject('releases.weir.dev', NAMESPACE, 'podinfo');
  expect(release.spec.hooks).toEqual([{ name: 'change-window', type: 'confirm-traffic-increase', url, timeout: '2s' }]);
});
