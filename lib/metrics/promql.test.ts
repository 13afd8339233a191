import { describe, expect, it } from 'vitest';
import {
  MAX_POINTS,
  MIN_SMOOTHING_SECONDS,
  latencyQuantilePerVersion,
  listWindow,
  parseDuration,
  queryTiming,
  requestsPerVersion,
  serviceSnapshotQuery,
  servicesSuccessQuery,
  sharePerVersion,
  successRatePerVersion,
} from './promql';

const nginx = { namespace: 'demo', services: ['nginx'] };
const SELECTOR = '{reporter="destination",destination_service_namespace="demo",destination_service_name="nginx"}';

describe('queryTiming', () => {
  it('uses the scrape interval as step on short ranges, a smoothing window of four scrapes or 20 s, and four scrapes for the newest point', () => {
    expect(queryTiming(5, 5)).toEqual({ window: 20, step: 5, recentWindow: 20 });
    expect(queryTiming(5, 15)).toEqual({ window: 20, step: 5, recentWindow: 20 });
    expect(queryTiming(15, 5)).toEqual({ window: 60, step: 15, recentWindow: 60 });
    // The sandbox's fast scrapes: history stays smooth, the newest point covers the last 8 s.
    expect(queryTiming(2, 5)).toEqual({ window: 20, step: 2, recentWindow: 8 });
    expect(queryTiming(1, 5)).toEqual({ window: 20, step: 2, recentWindow: 4 });
  });

  it('keeps an hour under the point budget with a step that is a multiple of the scrape interval', () => {
    for (const scrape of [5, 10, 15, 30, 60]) {
      for (const minutes of [5, 15, 60]) {
        const { window, step } = queryTiming(scrape, minutes);
        expect((minutes * 60) / step).toBeLessThanOrEqual(MAX_POINTS);
        expect(step % scrape).toBe(0);
        expect(window).toBeGreaterThanOrEqual(4 * scrape);
        expect(window).toBeGreaterThanOrEqual(2 * step);
        expect(window).toBeGreaterThanOrEqual(MIN_SMOOTHING_SECONDS);
      }
    }
    expect(queryTiming(5, 60)).toEqual({ window: 40, step: 20, recentWindow: 20 });
  });

  it('gives the services list a minute, or four scrapes where Prometheus scrapes slower', () => {
    expect(listWindow(2)).toBe(60);
    expect(listWindow(15)).toBe(60);
    expect(listWindow(30)).toBe(120);
  });

  it('reads Prometheus durations', () => {
    expect(parseDuration('5s')).toBe(5);
    expect(parseDuration('1m')).toBe(60);
    expect(() => parseDuration('5 s')).toThrow();
  });
});

describe('PromQL builders', () => {
  it('rates requests per version for one service as the destination reports them', () => {
    expect(requestsPerVersion(nginx, 20)).toBe(`sum by (destination_version) (rate(istio_requests_total${SELECTOR}[20s]))`);
  });

  it('divides each version by the service total for the share', () => {
    const perVersion = `sum by (destination_version) (rate(istio_requests_total${SELECTOR}[30s]))`;
    expect(sharePerVersion(nginx, 30)).toBe(`${perVersion} / ignoring (destination_version) group_left sum(${perVersion})`);
  });

  it('counts everything but 5xx as success, and keeps all-failing versions at zero', () => {
    const query = successRatePerVersion(nginx, 20);
    expect(query).toContain('response_code!~"5.."');
    expect(query).toMatch(/^\(sum by \(destination_version\) .* or \(sum by \(destination_version\) .* \* 0\)\) \/ sum by \(destination_version\)/);
  });

  it('takes latency quantiles from the duration histogram by le and version', () => {
    expect(latencyQuantilePerVersion(nginx, 20, 0.99)).toBe(
      `histogram_quantile(0.99, sum by (le, destination_version) (rate(istio_request_duration_milliseconds_bucket${SELECTOR}[20s])))`,
    );
  });

  it('escapes label values so a name cannot break out of the matcher', () => {
    expect(requestsPerVersion({ namespace: 'a"b', services: ['c\\d'] }, 20)).toContain('destination_service_namespace="a\\"b",destination_service_name="c\\\\d"');
  });
});

describe('services whose versions are Services of their own', () => {
  it('reads the root and every version Service, as exact names', () => {
    expect(requestsPerVersion({ namespace: 'default', services: ['helloworld', 'helloworld-v1', 'helloworld-v2'] }, 20)).toBe(
      'sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_namespace="default",destination_service_name=~"helloworld|helloworld-v1|helloworld-v2"}[20s]))',
    );
    expect(requestsPerVersion({ namespace: 'x', services: ['a.b', 'c'] }, 20)).toContain('destination_service_name=~"a\\\\.b|c"');
  });
});

/** The parts of a query joined by top-level `or`, each `label_replace(<expression>, "stat", "<name>", "", "")`. */
function taggedParts(query: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const part of query.split(/ or (?=label_replace\()/)) {
    const match = /^label_replace\((.*), "stat", "([a-z0-9]+)", "", ""\)$/.exec(part);
    expect(match, part).not.toBeNull();
    parts[match![2]!] = match![1]!;
  }
  return parts;
}

describe('one instant query for everything but the history', () => {
  it('tags each figure of a service with its stat, over the smoothing window or the recent one', () => {
    const parts = taggedParts(serviceSnapshotQuery(nginx, 20, 8));
    expect(Object.keys(parts)).toEqual(['requests', 'ok', 'recent', 'p50', 'p99', 'scraped']);
    expect(parts.requests).toBe(requestsPerVersion(nginx, 20));
    expect(parts.ok).toBe(`sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_namespace="demo",destination_service_name="nginx",response_code!~"5.."}[20s]))`);
    expect(parts.recent).toBe(requestsPerVersion(nginx, 8));
    expect(parts.p50).toBe(latencyQuantilePerVersion(nginx, 20, 0.5));
    expect(parts.p99).toBe(latencyQuantilePerVersion(nginx, 20, 0.99));
    // The newest scrape's time, with no version label: it dates the newest point.
    expect(parts.scraped).toBe(`max(timestamp(istio_requests_total${SELECTOR}))`);
  });

  it('reads every version Service of a Gateway API or SMI service in each figure', () => {
    const parts = taggedParts(serviceSnapshotQuery({ namespace: 'helloworld', services: ['helloworld', 'helloworld-v1', 'helloworld-v2'] }, 20, 8));
    for (const expression of Object.values(parts)) expect(expression).toContain('destination_service_name=~"helloworld|helloworld-v1|helloworld-v2"');
  });
});

describe('success rate of many services from one query', () => {
  it('matches every namespace and destination Service at once and sums by the pair, for requests and non-5xx', () => {
    const query = servicesSuccessQuery(
      [
        { namespace: 'demo', services: ['nginx'] },
        { namespace: 'helloworld', services: ['helloworld', 'helloworld-v1', 'helloworld-v2'] },
        { namespace: 'demo', services: ['sleep'] },
      ],
      60,
    );
    const parts = taggedParts(query);
    expect(Object.keys(parts)).toEqual(['requests', 'ok']);
    const filter = 'reporter="destination",destination_service_namespace=~"demo|helloworld",destination_service_name=~"nginx|helloworld|helloworld-v1|helloworld-v2|sleep"';
    expect(parts.requests).toBe(`sum by (destination_service_namespace, destination_service_name) (rate(istio_requests_total{${filter}}[60s]))`);
    expect(parts.ok).toBe(`sum by (destination_service_namespace, destination_service_name) (rate(istio_requests_total{${filter},response_code!~"5.."}[60s]))`);
  });

  it('uses exact matchers for one service, and escapes names in alternations', () => {
    expect(servicesSuccessQuery([{ namespace: 'demo', services: ['nginx'] }], 60)).toContain('destination_service_namespace="demo",destination_service_name="nginx"}');
    expect(servicesSuccessQuery([{ namespace: 'a"b', services: ['x.y', 'z'] }], 60)).toContain('destination_service_namespace="a\\"b",destination_service_name=~"x\\\\.y|z"');
  });
});
