/**
 * Reading the console's services list (`GET /api/services`) the way its page does, tolerant of its shape: an
 * array of rows today; an object carrying `rows` / `items` (and perhaps a total) if the list becomes paged.
 */
import type { ApiServer } from './api-server.ts';
import { consoleGet, type Session } from './console.ts';
import { benchService, type BenchService } from './seed.ts';

export interface ServiceRow {
  cluster?: string;
  namespace: string;
  service: string;
  versions?: { name: string; weight?: number }[];
}

export const LIST_PATH = '/api/services?cluster=sandbox';

export function rowsOf(body: string): ServiceRow[] {
  const parsed = JSON.parse(body) as unknown;
  if (Array.isArray(parsed)) return parsed as ServiceRow[];
  const object = parsed as { rows?: ServiceRow[]; items?: ServiceRow[] };
  return object.rows ?? object.items ?? [];
}

export function benchRowCount(rows: ServiceRow[]): number {
  return rows.filter((row) => row.namespace.startsWith('bench-')).length;
}

/** The weight the row shows for a version, if it shows one. */
export function rowWeight(rows: ServiceRow[], service: BenchService, version: string): number | undefined {
  const row = rows.find((candidate) => candidate.namespace === service.namespace && candidate.service === service.name);
  return row?.versions?.find((candidate) => candidate.name === version)?.weight;
}

/**
 * Waits until the console's caches hold the last seeded service, asking only for that one namespace (so the
 * whole list has not been served yet when idle memory is read). Answers how long that took.
 */
export async function waitForSeeded(url: string, session: Session, services: number, namespaces: number, timeoutMs = 300_000): Promise<number> {
  const last = benchService(services - 1, namespaces);
  const started = performance.now();
  for (;;) {
    const response = await consoleGet(url, `${LIST_PATH}&namespace=${last.namespace}`, session).catch(() => undefined);
    if (response?.status === 200 && rowsOf(response.body).some((row) => row.service === last.name)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`the console did not list ${last.name} in ${last.namespace} within ${timeoutMs / 1000} s`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** Istio services of the seed that carry no cookie gate: their single route's weights are what a change sets. */
export function plainIstioServices(services: number, namespaces: number, count: number): BenchService[] {
  const picked: BenchService[] = [];
  for (let index = 1; picked.length < count && index < services; index += 7) {
    const service = benchService(index, namespaces);
    if (service.provider === 'istio' && index % 10 !== 3) picked.push(service);
  }
  return picked;
}

/**
 * `candidate` (5..95), or the next weight when it equals `current`: a merge patch that sets the weight a route
 * already has is a no-op, which the API server stores as nothing and no watch ever reports. Seeds are additive and
 * earlier scales (or runs) changed the same services, so the current weight must be read, not assumed.
 */
export function changedWeight(candidate: number, current: number | undefined): number {
  if (candidate !== current) return candidate;
  return candidate >= 95 ? 5 : candidate + 1;
}

/** The v2 weight of a seeded Istio service's route, as the API server holds it now. */
export async function grayWeightNow(admin: ApiServer, service: BenchService): Promise<number | undefined> {
  const object = await admin.json<{ spec?: { http?: { route?: { destination?: { subset?: string }; weight?: number }[] }[] } }>(
    `/apis/networking.istio.io/v1/namespaces/${service.namespace}/virtualservices/${service.name}`,
  );
  return object.spec?.http?.[0]?.route?.find((destination) => destination.destination?.subset === 'v2')?.weight;
}
