import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/test';
import { applyYaml, getObject, vsWeights, waitAvailable } from './support/cluster';
import { ServicePage } from './pages/service-page';
import { translate } from '../lib/i18n/messages';
import { describeSandbox, REPO_ROOT } from '../dev/sandbox/sandbox.ts';

/*
 * Seed 003's progressive release (Flagger's canary of podinfo with its load tester: 5% steps to 50%, success ≥ 99%,
 * p99 ≤ 500 ms, rollback after 5 failed checks, a load-test webhook), set up entirely through the wizard, once in each
 * language. Every label is the catalogue's, so the zh run reads what a Chinese user reads. The load tester is the
 * sandbox simulator's (`POST /load-test`, dev/simulator/load-test.ts), called as an event hook with its rate and
 * duration as the hook's metadata.
 */

type Key = Parameters<typeof translate>[1];

for (const locale of ['en', 'zh'] as const) {
  test.describe(`in ${locale === 'en' ? 'English' : 'Chinese'}`, () => {
    const NAMESPACE = `seed003-${locale}`;
    const say = (key: Key, params?: Record<string, string | number>) => translate(locale, key, params);

    test.beforeAll(() => {
      applyYaml(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NAMESPACE}}\n`);
      applyYaml(readFileSync(join(REPO_ROOT, 'dev/scenarios/podinfo-test.yaml'), 'utf8').replace(/\btest\b/g, NAMESPACE));
      waitAvailable(NAMESPACE);
    });

    test(`seed 003's release of podinfo v2 with a load-test hook, configured in the wizard (${locale})`, async ({ page }) => {
      test.setTimeout(120_000);
      if (locale === 'zh') await page.context().addCookies([{ name: 'weir-locale', value: 'zh', url: process.env.WEIR_E2E_BASE_URL! }]);
      const loadTester = `${describeSandbox(process.env.WEIR_SANDBOX_DIR_E2E!, '').simulatorUrl}/load-test`;
      const service = new ServicePage(page);
      await page.goto(`/services/sandbox/${NAMESPACE}/podinfo`);
      await expect(page.getByTestId('service-title')).toHaveText(`podinfo.${NAMESPACE}`);
      const { dialog } = service;

      await page.getByRole('button', { name: say('release.start') }).click();
      await dialog.getByLabel(say('progressive.stableVersion'), { exact: true }).selectOption('v1');
      await dialog.getByLabel(say('progressive.grayVersion'), { exact: true }).selectOption('v2');
      await dialog.getByLabel(say('progressive.stepWeight')).fill('5');
      await dialog.getByLabel(say('progressive.maxWeight')).fill('50');
      await dialog.getByLabel(say('progressive.interval')).fill('30s');
      await dialog.getByLabel(say('progressive.threshold')).fill('5');
      await dialog.getByLabel(say('progressive.successRateMin')).fill('99');
      await dialog.getByLabel(say('progressive.p99LatencyMaxMs')).fill('500');
      await dialog.getByLabel(say('progressive.window'), { exact: true }).fill('1m');
      await dialog.getByLabel(say('progressive.approval'), { exact: true }).selectOption('beforePromotion');
      await dialog.getByRole('button', { name: say('hooks.add') }).click();
      const hook = dialog.getByTestId('hook-0');
      await hook.getByLabel(say('hooks.name')).fill('load-test');
      await hook.getByLabel(say('hooks.type')).selectOption('event');
      await hook.getByLabel(say('hooks.url')).fill(loadTester);
      await hook.getByLabel(say('hooks.metadata')).fill('rps=200, seconds=30');
      await expect(dialog.getByTestId('progressive-summary')).toContainText('5% → 10% → 15% → 20% → 25% → 30% → 35% → 40% → 45% → 50%');
      await dialog.getByRole('button', { name: say('progressive.start', { version: 'v2' }) }).click();
      await expect(dialog).toHaveCount(0);

      // What the wizard wrote is seed 003's release, hook and all.
      const release = getObject('releases.weir.dev', NAMESPACE, 'podinfo');
      expect(release.spec).toMatchObject({
        strategy: 'progressive',
        stableVersion: 'v1',
        grayVersion: 'v2',
        stepWeight: 5,
        maxWeight: 50,
        interval: '30s',
        threshold: 5,
        analysis: { successRateMin: 99, p99LatencyMaxMs: 500, window: '1m' },
        approval: 'beforePromotion',
        hooks: [{ name: 'load-test', type: 'event', url: loadTester, metadata: { rps: '200', seconds: '30' } }],
      });

      // The controller takes the first step, and the load tester accepts the release's events (none left to send).
      await expect(page.getByTestId('release-phase')).toHaveText(say('phase.Progressing'));
      await expect(page.getByTestId('release-progress')).toContainText(say('release.progress', { step: 1, steps: 10, gray: 'v2', weight: 5, failed: 0, threshold: 5 }).split(' · ')[0]!, { timeout: 30_000 });
      expect(vsWeights(NAMESPACE, 'podinfo')).toEqual({ v1: 95, v2: 5 });
      await expect
        .poll(() => (getObject('releases.weir.dev', NAMESPACE, 'podinfo').status.outbox ?? []).filter((item: { to: string[] }) => item.to.includes('hook:load-test')).length, { timeout: 30_000 })
        .toBe(0);
      // ...and the load runs: podinfo here gets its 200 requests a second on top of its share of the usual traffic.
      const split = `${loadTester.replace(/\/load-test$/, '')}/split?namespace=${NAMESPACE}&service=podinfo`;
      const total = async () => ((await (await fetch(split)).json()) as { total: number }).total;
      const before = await total();
      await page.waitForTimeout(2_000);
      const perSecond = ((await total()) - before) / 2;
      console.log(`${NAMESPACE}/podinfo got ${perSecond.toFixed(0)} requests/s during the load test`);
      expect(perSecond).toBeGreaterThan(150);

      // Ended here: aborting sends everything back to v1.
      await page.getByRole('button', { name: say('release.abort', { stable: 'v1' }) }).click();
      await expect.poll(() => vsWeights(NAMESPACE, 'podinfo'), { timeout: 30_000 }).toEqual({ v1: 100 });
    });
  });
}
