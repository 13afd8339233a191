/**
 * P3 of issue 16: a change made outside the console (an API write with the admin kubeconfig, as kubectl
 * would send it) until it shows on an open page — the service page's weight, and the service's row in the
 * services list (filtered to it, the full list behind) — p50 / p95 over WEIR_BENCH_CHANGES (30) changes each,
 * then the same with 50 other change streams open (`/api/events`, each its own signed-in session).
 * Measured from the write's response to the frame that shows it; the write's own round trip apart.
 */
import { test, expect, type Page } from '@playwright/test';
import { buildControlPlane, describeSandbox } from '../../dev/sandbox/sandbox.ts';
import { sandboxAdmin, type ApiServer } from '../support/api-server.ts';
import { benchScale } from '../support/bench-console.ts';
import { openChangeStream, type ChangeStream } from '../support/change-stream.ts';
import { signIn } from '../support/console.ts';
import { percentiles, ratio, writeFigures, type Figure } from '../support/figures.ts';
import { istioRoute, type BenchService } from '../support/seed.ts';
import { changedWeight, grayWeightNow, plainIstioServices } from '../support/services.ts';
import { installWatchProbe } from './page-probes.ts';

const CHANGES = Number(process.env.WEIR_BENCH_CHANGES ?? 30);
const STREAMS = 50;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Surface {
  label: string;
  path: (service: BenchService) => string;
  /** Waits until the page shows the service's current state. */
  ready: (page: Page, service: BenchService) => Promise<void>;
  selector: (service: BenchService) => string;
  pattern: (weight: number) => string;
}

const SURFACES: Surface[] = [
  {
    label: 'open service page',
    path: (service) => `/services/sandbox/${service.namespace}/${service.name}`,
    ready: (page, service) => expect(page.getByTestId('service-title')).toHaveText(`${service.name}.${service.namespace}`, { timeout: 60_000 }),
    selector: () => '[data-testid="weight-v2"]',
    pattern: (weight) => `^\\s*${weight}\\s*%`,
  },
  {
    label: 'services list row',
    path: (service) => `/services?q=${service.name}`,
    ready: (page, service) => expect(page.getByTestId(`service-${service.namespace}-${service.name}`)).toBeVisible({ timeout: 60_000 }),
    selector: (service) => `[data-testid="service-${service.namespace}-${service.name}"] [data-testid="version-chip-v2"]`,
    pattern: (weight) => `^\\s*v2\\s*${weight}%`,
  },
];

/** Changes the service's weights CHANGES times; answers ms from each write's response to the screen, and the writes' own ms. */
async function measure(page: Page, admin: ApiServer, surface: Surface, service: BenchService): Promise<{ visible: number[]; writes: number[] }> {
  await page.goto(surface.path(service));
  await surface.ready(page, service);
  // The page's own first requests (metrics, history) finish before the first change.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await sleep(1_000);
  const visible: number[] = [];
  const writes: number[] = [];
  let current = await grayWeightNow(admin, service);
  for (let change = 0; change < CHANGES; change += 1) {
    // Weights 5..95 that differ from the one the route has, so every change is a write the page must show.
    const weight = changedWeight(5 + ((change * 37 + service.index) % 91), current);
    current = weight;
    await page.evaluate(({ selector, pattern }) => {
      (window as unknown as { __weirBenchSeen: Promise<number> }).__weirBenchSeen = window.__weirBenchWatch!(selector, pattern);
    }, { selector: surface.selector(service), pattern: surface.pattern(weight) });
    const sent = now();
    const write = await admin.send(
      'PATCH',
      `/apis/networking.istio.io/v1/namespaces/${service.namespace}/virtualservices/${service.name}`,
      { spec: { http: [{ route: istioRoute(service, weight) }] } },
      { 'content-type': 'application/merge-patch+json' },
    );
    const answered = now();
    expect(write.status, write.body.slice(0, 300)).toBe(200);
    const shownAt = await page.evaluate(
      ({ label, weight }) =>
        Promise.race([
          (window as unknown as { __weirBenchSeen: Promise<number> }).__weirBenchSeen,
          new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`the ${label} did not show weight ${weight} within 30 s`)), 30_000)),
        ]),
      { label: surface.label, weight },
    );
    writes.push(answered - sent);
    visible.push(shownAt - answered);
    // Let the follow-ups settle (istiod's analysis status, the page's refetch) before the next change.
    await sleep(400);
  }
  return { visible, writes };
}

test('a change outside the console shows on an open page', async ({ browser }) => {
  const url = process.env.WEIR_BENCH_CONSOLE_URL!;
  const { services: N, namespaces } = benchScale();
  const sandbox = describeSandbox(process.env.WEIR_SANDBOX_DIR!, await buildControlPlane());
  const admin = sandboxAdmin(sandbox.kubeconfig);
  const session = await signIn(url, { user: 'alice' });
  const [name, value] = session.cookie.split('=') as [string, string];
  const context = await browser.newContext();
  await context.addCookies([{ name, value, url }]);
  await context.addInitScript(installWatchProbe);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const [servicePage, listRow] = plainIstioServices(N, namespaces, 2) as [BenchService, BenchService];
  const figures: Figure[] = [];
  const streams: ChangeStream[] = [];
  const record = (surface: Surface, extra: string, result: { visible: number[]; writes: number[] }) => {
    const shown = percentiles(result.visible);
    const write = percentiles(result.writes);
    const scale = `${N.toLocaleString('en-US')} services${extra}`;
    figures.push(
      { id: 'P3', name: `API write → visible on the ${surface.label}, p50 (${scale}) / the write's round trip`, value: shown.p50, unit: 'ms', baseline: write.p50, ratio: ratio(shown.p50, write.p50), note: `${result.visible.length} changes` },
      {
        id: 'P3',
        name: `API write → visible on the ${surface.label}, p95 (${scale}) / the write's round trip`,
        value: shown.p95,
        unit: 'ms',
        baseline: write.p95,
        ratio: ratio(shown.p95, write.p95),
        target: '≤ 300 ms',
        note: `${result.visible.length} changes, max ${shown.max.toFixed(0)} ms`,
      },
    );
  };
  try {
    record(SURFACES[0]!, '', await measure(page, admin, SURFACES[0]!, servicePage));
    record(SURFACES[1]!, '', await measure(page, admin, SURFACES[1]!, listRow));
    const users = ['admin', 'alice', 'bob', 'victor'];
    for (let index = 0; index < STREAMS; index += 1) {
      streams.push(await openChangeStream(url, await signIn(url, { user: users[index % users.length]! })));
    }
    record(SURFACES[0]!, `, ${STREAMS} other streams open`, await measure(page, admin, SURFACES[0]!, servicePage));
    record(SURFACES[1]!, `, ${STREAMS} other streams open`, await measure(page, admin, SURFACES[1]!, listRow));
    const delivered = streams.filter((stream) => stream.received > 1).length;
    figures.at(-1)!.note += `; ${delivered} of ${STREAMS} other streams received changes`;
    writeFigures(`live-change-${N}`, figures);
  } finally {
    streams.forEach((stream) => stream.close());
    await context.close();
    admin.close();
  }
});
