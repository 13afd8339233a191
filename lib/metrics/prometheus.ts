import 'server-only';

/** Why metrics could not be read: nothing answered, it answered too slowly, or it answered with an error. */
export type UnavailableReason = 'unreachable' | 'timeout' | 'error';

/** Prometheus could not answer a query; the console shows "metrics unavailable" and keeps working. */
export class MetricsUnavailable extends Error {
  readonly reason: UnavailableReason;

  constructor(reason: UnavailableReason, message: string) {
    super(message);
    this.name = 'MetricsUnavailable';
    this.reason = reason;
  }
}

/**
 * The browser's message (no address: a Prometheus URL is an internal one) and the operator's detail, logged
 * here with the address and the cause.
 */
function unavailable(reason: UnavailableReason, message: string, detail: string): MetricsUnavailable {
  console.error(`[weir] prometheus ${detail}`);
  return new MetricsUnavailable(reason, message);
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error && parts.length < 3; current = current.cause) parts.push(current.message);
  return parts.join(': ') || String(error);
}

/** One series of an instant query: its labels and one [unix seconds, value] sample. */
export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One series of a range query: its labels and [unix seconds, value] samples in time order. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: { resultType: string; result: T };
  errorType?: string;
  error?: string;
}

/** A short timeout: a hung Prometheus must not hold up the page's 5 s refresh. */
export const QUERY_TIMEOUT_MS = 3_000;

async function call<T>(baseUrl: string, path: string, params: Record<string, string>, timeoutMs: number): Promise<T> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  let response: Response;
  try {
    // POST keeps long PromQL out of URLs and access logs; the HTTP API accepts form-encoded parameters.
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw unavailable('timeout', `Prometheus did not answer within ${timeoutMs / 1000} s`, `${url.origin}: timed out`);
    }
    throw unavailable('unreachable', 'Prometheus cannot be reached', `${url.origin}: ${describe(error)}`);
  }
  let body: ApiResponse<T> | undefined;
  try {
    body = (await response.json()) as ApiResponse<T>;
  } catch {
    body = undefined;
  }
  if (!response.ok || body?.status !== 'success' || !body.data) {
    const detail = body?.error ? `${body.errorType ?? 'error'}: ${body.error}` : `HTTP ${response.status}`;
    // Prometheus's error type (bad_data, timeout, …) says what went wrong; its text may quote addresses.
    const kind = body?.errorType && /^[a-z_]{1,32}$/.test(body.errorType) ? body.errorType : `HTTP ${response.status}`;
    throw unavailable('error', `Prometheus answered with an error (${kind})`, `${url.origin}: ${detail}`);
  }
  return body.data.result;
}

/** Runs an instant query (`/api/v1/query`) at `time` (unix seconds; now when absent). */
export function queryInstant(baseUrl: string, query: string, time?: number, timeoutMs = QUERY_TIMEOUT_MS): Promise<InstantSample[]> {
  const params: Record<string, string> = { query };
  if (time !== undefined) params.time = String(time);
  return call<InstantSample[]>(baseUrl, 'api/v1/query', params, timeoutMs);
}

/** Runs a range query (`/api/v1/query_range`) from `start` to `end` (unix seconds) every `step` seconds. */
export function queryRange(
  baseUrl: string,
  query: string,
  range: { start: number; end: number; step: number },
  timeoutMs = QUERY_TIMEOUT_MS,
): Promise<RangeSeries[]> {
  const params = { query, start: String(range.start), end: String(range.end), step: String(range.step) };
  return call<RangeSeries[]>(baseUrl, 'api/v1/query_range', params, timeoutMs);
}
