import 'server-only';
import { weirEnv } from '@/lib/config/env';
import { MetricsUnavailable, queryInstant, type UnavailableReason } from './prometheus';
import { listWindow, parseDuration, promDuration, servicesSuccessQuery, type ServiceSelector } from './promql';
import { prometheusUrlFor } from './service-metrics';

/** The services list asks for at most this many rows at once: a screenful and its overscan, with room to spare. */
export const MAX_LISTED_SERVICES = 200;

/** A row of the services list: its name, and the destination Services whose requests are its traffic. */
export interface ListedService {
  namespace: string;
  service: string;
  /** For Istio the Service itself; for Gateway API and SMI also each version's own Service. */
  trafficServices: string[];
}

/** One row's figures; `successRate` null when it had no requests in the window (unknown, not healthy). */
export interface ServiceSuccess {
  namespace: string;
  service: string;
  rps: number;
  successRate: number | null;
}

/** What the services list's Success column shows for the rows it asked about. */
export interface ServicesSuccess {
  status: 'ok' | 'unavailable';
  reason?: 'not-configured' | UnavailableReason;
  message?: string;
  /** The rate window as a PromQL duration (`60s`). */
  window: string;
  /** Only the rows asked for that exist and that the user may see. */
  services: ServiceSuccess[];
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * Success rate and requests per second of each listed service over the list window, from one Prometheus
 * query for all of them, summed back per row over its destination Services. Prometheus down gives status
 * `unavailable` with no rows: the list shows every Success cell as unknown.
 */
export async function servicesSuccess(cluster: string, rows: ListedService[]): Promise<ServicesSuccess> {
  const window = listWindow(parseDuration(weirEnv().WEIR_PROMETHEUS_SCRAPE_INTERVAL));
  const result: ServicesSuccess = { status: 'unavailable', window: promDuration(window), services: [] };
  const baseUrl = prometheusUrlFor(cluster);
  if (!baseUrl) return { ...result, reason: 'not-configured', message: `No Prometheus is configured for cluster ${cluster}` };
  if (rows.length === 0) return { ...result, status: 'ok' };

  const selectors: ServiceSelector[] = rows.map((row) => ({ namespace: row.namespace, services: row.trafficServices }));
  let samples;
  try {
    samples = await queryInstant(baseUrl, servicesSuccessQuery(selectors, window));
  } catch (error) {
    if (error instanceof MetricsUnavailable) return { ...result, reason: error.reason, message: error.message };
    throw error;
  }
  const rates = new Map<string, { requests: number; ok: number }>();
  for (const sample of samples) {
    const value = Number(sample.value[1]);
    if (!Number.isFinite(value)) continue;
    const id = key(sample.metric.destination_service_namespace ?? '', sample.metric.destination_service_name ?? '');
    const rate = rates.get(id) ?? { requests: 0, ok: 0 };
    if (sample.metric.stat === 'requests') rate.requests += value;
    if (sample.metric.stat === 'ok') rate.ok += value;
    rates.set(id, rate);
  }
  const services = rows.map((row): ServiceSuccess => {
    let requests = 0;
    let ok = 0;
    for (const name of new Set(row.trafficServices)) {
      const rate = rates.get(key(row.namespace, name));
      requests += rate?.requests ?? 0;
      ok += rate?.ok ?? 0;
    }
    return { namespace: row.namespace, service: row.service, rps: requests, successRate: requests > 0 ? Math.min(1, ok / requests) : null };
  });
  return { ...result, status: 'ok', services };
}
