import { describe, expect, it } from 'vitest';
import {
  MAX_POINTS,
  latencyQuantilePerVersion,
  parseDuration,
  queryTiming,
  requestsPerVersion,
  sharePerVersion,
  successRatePerVersion,
} from './promql';

const nginx = { namespace: 'demo', services: ['nginx'] };
const SELECTOR = '{reporter="destination",destination_service_namespace="demo",destination_service_name="nginx"}';

describe('queryTiming', () => {
  it('uses the scrape interval as step on short ranges, and a window of four scrapes', () => {
    expect(queryTiming(5, 5)).toEqual({ window: 20, step: 5 });
    expect(queryTiming(5, 15)).toEqual({ window: 20, step: 5 });
    expect(queryTiming(15, 5)).toEqual({ window: 60, step: 15 });
  });

  it('keeps an hour under the point budget with a step that is a multiple of the scrape interval', () => {
    for (const scrape of [5, 10, 15, 30, 60]) {
      for (const minutes of [5, 15, 60]) {
        const { window, step } = queryTiming(scrape, minutes);
        expect((minutes * 60) / step).toBeLessThanOrEqual(MAX_POINTS);
        expect(step % scrape).toBe(0);
        expect(window).toBeGreaterThanOrEqual(4 * scrape);
        expect(window).toBeGreaterThanOrEqual(step);
      }
    }
    expect(queryTiming(5, 60)).toEqual({ window: 40, step: 20 });
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
