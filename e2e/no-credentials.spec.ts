import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../dev/sandbox/sandbox.ts';
import { expect, test } from './support/test';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

// Every response of every spec is checked by the guard in support/test.ts; this checks what was built.
test('the built console holds no credential: no sandbox token, no key, no kubeconfig data', async ({ page }) => {
  await page.goto('/services');
  const tokens = JSON.parse(process.env.WEIR_E2E_SECRET_TOKENS ?? '[]') as string[];
  const secrets = [...tokens, 'BEGIN RSA PRIVATE KEY', 'BEGIN EC PRIVATE KEY', 'BEGIN PRIVATE KEY'];
  // What the browser can load must not even know kubeconfig's credential fields (client-node stays on the server).
  const browserOnly = ['client-key-data', 'client-certificate-data', '@kubernetes/client-node'];
  const built = files(join(REPO_ROOT, '.next')).filter(
    (path) => /\.(js|html|json|rsc|txt|body|map)$/.test(path) && !path.includes('/cache/') && !path.includes('/.next/node_modules/'),
  );
  expect(built.length).toBeGreaterThan(50);
  const hits = built.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const markers = path.includes('/.next/static/') ? [...secrets, ...browserOnly] : secrets;
    return markers.filter((marker) => text.includes(marker)).map((marker) => `${path}: ${marker.slice(0, 12)}…`);
  });
  expect(hits).toEqual([]);
});
