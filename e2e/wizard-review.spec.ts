import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { applyYaml, getObject, subsets, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { deploymentYaml, destinationRuleYaml, namespaceYaml, serviceYaml, virtualServiceYaml, yamlDocuments } from './support/shop';

/*
 * Item 2 of issue 14: the review step says what really happened. A plan with no steps sent nothing to the API
 * server, so it says "nothing to change" and offers neither an apply button nor "dry run passed"; a dry run the
 * API server refuses (here a ValidatingAdmissionPolicy of the cluster) shows the API server's own message on the
 * step it refused, and changes nothing. The service lives in a namespace of this spec's own.
 */

const NAMESPACE = 'wizard-review';
const POLICY = 'weir-e2e-approved-registry';

const SHOP = yamlDocuments(
  namespaceYaml(NAMESPACE),
  serviceYaml(NAMESPACE, 'shop'),
  deploymentYaml(NAMESPACE, 'shop', 'v1', { image: 'registry.example/shop:1' }),
  destinationRuleYaml(NAMESPACE, 'shop', ['v1']),
  virtualServiceYaml(NAMESPACE, 'shop', { v1: 100 }),
);

// The cluster's own rule, enforced by the API server (admission), not by the console: no images from untrusted.example.
const REGISTRY_POLICY = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${POLICY}}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
    - expression: "object.spec.template.spec.containers.all(c, !c.image.startsWith('untrusted.example/'))"
      message: images must come from the approved registry
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${POLICY}}
spec:
  policyName: ${POLICY}
  validationActions: [Deny]
  matchResources:
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${NAMESPACE}}}
`;

function kubectl(args: string[], input?: string): string {
  return execFileSync(process.env.WEIR_SANDBOX_KUBECTL!, ['--kubeconfig', process.env.WEIR_SANDBOX_KUBECONFIG!, '--context', 'admin', ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Whether the API server already enforces the policy: a server-side dry run of an untrusted image is refused. */
function policyEnforced(): boolean {
  const probe = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"probe","namespace":"${NAMESPACE}"},"spec":{"selector":{"matchLabels":{"app":"probe"}},"template":{"metadata":{"labels":{"app":"probe"}},"spec":{"containers":[{"name":"probe","image":"untrusted.example/probe:1"}]}}}}`;
  try {
    kubectl(['create', '--dry-run=server', '-f', '-'], probe);
    return false;
  } catch (error) {
    return String((error as { stderr?: string }).stderr).includes('images must come from the approved registry');
  }
}

test.beforeAll(() => {
  applyYaml(SHOP);
  waitAvailable(NAMESPACE);
});

test('a plan with no steps says there is nothing to change, and offers no apply and no "dry run passed"', async ({ page }) => {
  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await expect(service.weight('v1')).toHaveText('100%');

  // The split as it is: the plan has no step, nothing goes to the API server.
  await page.getByRole('button', { name: 'Edit gray policy' }).click();
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();
  await expect(service.dialog.getByTestId('plan-no-change')).toHaveText('Nothing to change: the service already looks like this.');
  await expect(service.dialog.getByTestId('dry-run-passed')).toHaveCount(0);
  await expect(service.dialog.getByTestId('plan-steps')).toHaveCount(0);
  // Only the way back and the dialog's close button: no apply, not even a disabled one.
  const buttons = await service.dialog.getByRole('button').evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? element.textContent?.trim()));
  expect(buttons).toEqual(['Close', 'Back']);

  await service.dialog.getByRole('button', { name: 'Close' }).click();
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 100 });
});

test('a dry run the API server refuses shows its message on the refused step, and nothing changes', async ({ page }) => {
  applyYaml(REGISTRY_POLICY);
  try {
    await refusedDryRun(page);
  } finally {
    kubectl(['delete', '--ignore-not-found', 'validatingadmissionpolicybinding', POLICY]);
    kubectl(['delete', '--ignore-not-found', 'validatingadmissionpolicy', POLICY]);
  }
});

async function refusedDryRun(page: Page): Promise<void> {
  await expect.poll(policyEnforced, { timeout: 30_000, intervals: [500] }).toBe(true);
  const vsBefore = getObject('virtualservices.networking.istio.io', NAMESPACE, 'shop').metadata.resourceVersion;
  const drBefore = getObject('destinationrules.networking.istio.io', NAMESPACE, 'shop').metadata.resourceVersion;

  const service = new ServicePage(page);
  await service.open(NAMESPACE, 'shop');
  await page.getByRole('button', { name: 'Add gray version' }).click();
  await service.dialog.getByLabel('Version name').fill('v2');
  await service.dialog.getByLabel('Image').fill('untrusted.example/shop:2');
  await service.dialog.getByLabel('By traffic ratio').check();
  await service.dialog.locator('#add-weight').fill('10');
  await service.dialog.getByRole('button', { name: 'Review changes' }).click();

  // The refusal is the API server's, word for word, in the error and on the Deployment's step.
  const refusal = `deployments.apps "shop-v2" is forbidden: ValidatingAdmissionPolicy '${POLICY}' with binding '${POLICY}' denied request: images must come from the approved registry`;
  const error = service.dialog.getByTestId('wizard-error');
  await expect(error).toContainText('The change was not made');
  await expect(error).toContainText(refusal);
  const steps = error.getByTestId('refused-plan').getByRole('listitem');
  await expect(steps.first()).toContainText('Create Deployment shop-v2');
  await expect(steps.first()).toContainText(`failed: ${refusal}`);
  // The steps after it were never sent, and the review (dry run passed, apply) is not offered.
  await expect(steps.nth(1)).not.toContainText('failed');
  await expect(service.dialog.getByTestId('dry-run-passed')).toHaveCount(0);
  await expect(service.dialog.getByRole('button', { name: 'Add v2 with 10% of traffic' })).toHaveCount(0);

  // A dry run stores nothing: the objects are as they were.
  expect(getObject('deployment', NAMESPACE, 'shop-v2')).toBeUndefined();
  expect(subsets(NAMESPACE, 'shop')).toEqual(['v1']);
  expect(vsWeights(NAMESPACE, 'shop')).toEqual({ v1: 100 });
  expect(getObject('virtualservices.networking.istio.io', NAMESPACE, 'shop').metadata.resourceVersion).toBe(vsBefore);
  expect(getObject('destinationrules.networking.istio.io', NAMESPACE, 'shop').metadata.resourceVersion).toBe(drBefore);
}
