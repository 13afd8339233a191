import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { expect, test } from './support/test';
import { applyYaml, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { shopYaml } from './support/shop';

/*
 * Item 4 of issue 12: a write another controller will revert is not a silent loss. When Argo CD owns the weights
 * (its server-side apply recorded them under its field manager), the review step of the wizard says so, names
 * the owner and the fields, and offers the change as YAML / patch to commit; copy and download give exactly
 * what the preview shows. The same service with weights only kubectl wrote carries no warning.
 */

const OWNED = 'field-owners-argocd';
const PLAIN = 'field-owners-kubectl';

function kubectl(args: string[], input?: string): string {
  return execFileSync(process.env.WEIR_SANDBOX_KUBECTL!, ['--kubeconfig', process.env.WEIR_SANDBOX_KUBECONFIG!, '--context', 'admin', ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

test.beforeAll(() => {
  applyYaml(shopYaml(OWNED));
  applyYaml(shopYaml(PLAIN));
  // Argo CD syncs with server-side apply as argocd-controller: the VirtualService as it is in Git, now its.
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: ${OWNED}}
spec:
  hosts: [shop]
  http: [{route: [{destination: {host: shop, subset: v1}, weight: 100}, {destination: {host: shop, subset: v2}, weight: 0}]}]
`;
  kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '--force-conflicts', '-f', '-'], vs);
  waitAvailable(OWNED);
  waitAvailable(PLAIN);
});

async function reviewTwentyPercent(service: ServicePage, namespace: string): Promise<void> {
  await service.open(namespace, 'shop');
  await expect(service.weight('v1')).toHaveText('100%');
  await service.page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByLabel('Weight of v2 in percent').fill('20');
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(service.dialog.getByTestId('dry-run-passed')).toBeVisible();
}

test('the review step warns that Argo CD owns the weights, and the change can be copied and downloaded to commit', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const service = new ServicePage(page);
  await reviewTwentyPercent(service, OWNED);

  const warning = service.dialog.getByTestId('field-owners-warning');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('Another controller owns what this change writes: its next sync will undo it');
  await expect(warning).toContainText(`Argo CD (field manager argocd-controller) owns spec.http[0].route[0].weight, spec.http[0].route[1].weight of VirtualService/shop`);
  // The step in the plan carries its owners too.
  await expect(service.dialog.getByTestId('plan-step-owners').first()).toContainText('Argo CD (field manager argocd-controller)');

  const shownDiff = (await service.dialog.getByTestId('plan-diff').first().innerText()).trim();
  await warning.getByRole('button', { name: 'Copy patch' }).click();
  await expect(warning.getByTestId('owners-copied')).toHaveText('Copied');
  const patch = await page.evaluate(() => navigator.clipboard.readText());
  expect(patch).toMatch(/^-\s+weight: 100$/m);
  expect(patch).toMatch(/^\+\s+weight: 80$/m);
  expect(patch).toMatch(/^\+\s+weight: 20$/m);
  // What is copied is the diff the review shows (which leaves out the file header lines).
  for (const line of shownDiff.split('\n').filter((text) => text.startsWith('+') || text.startsWith('-'))) expect(patch).toContain(line);

  await warning.getByRole('button', { name: 'Copy YAML' }).click();
  const copiedYaml = parse(await page.evaluate(() => navigator.clipboard.readText()));
  expect(copiedYaml.spec.http[0].route.map((route: { weight: number }) => route.weight)).toEqual([80, 20]);
  expect(copiedYaml.metadata.managedFields).toBeUndefined();

  const [yamlDownload] = await Promise.all([page.waitForEvent('download'), warning.getByRole('button', { name: 'Download YAML' }).click()]);
  expect(yamlDownload.suggestedFilename()).toBe('virtualservice-shop.yaml');
  const downloaded = parse(readFileSync((await yamlDownload.path())!, 'utf8'));
  expect(downloaded).toEqual(copiedYaml);

  const [patchDownload] = await Promise.all([page.waitForEvent('download'), warning.getByRole('button', { name: 'Download patch' }).click()]);
  expect(patchDownload.suggestedFilename()).toBe('virtualservice-shop.patch');
  expect(readFileSync((await patchDownload.path())!, 'utf8')).toBe(patch);

  // Reviewing changed nothing.
  expect(vsWeights(OWNED, 'shop')).toEqual({ v1: 100, v2: 0 });
});

test('weights only kubectl wrote: the step names kubectl as owner, and there is no warning', async ({ page }) => {
  const service = new ServicePage(page);
  await reviewTwentyPercent(service, PLAIN);
  await expect(service.dialog.getByTestId('plan-step-owners').first()).toContainText('kubectl (field manager kubectl-client-side-apply)');
  await expect(service.dialog.getByTestId('field-owners-warning')).toHaveCount(0);
});
