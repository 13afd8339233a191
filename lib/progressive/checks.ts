import 'server-only';
import { MetricsUnavailable, queryInstant, QUERY_TIMEOUT_MS } from '@/lib/metrics/prometheus';
import { promDuration } from '@/lib/metrics/promql';
import { judgeCheck, renderTemplate, type CheckResult, type MetricCheckSpec, type Placeholder } from '@/lib/release/checks';

/** What Prometheus said of a query it refused: its error type and its own message. */
export interface QueryProblem {
  errorType: string;
  error: string;
}

/**
 * Asks the real Prometheus to evaluate `query` (`/api/v1/query`, now) and returns its complaint, if any: a parse
 * or type error comes back as `bad_data` with Prometheus's own message, which is what a user who wrote the
 * PromQL needs to see. Nothing answering is MetricsUnavailable (the query could not be validated).
 */
export async function queryProblem(prometheusUrl: string, query: string): Promise<QueryProblem | undefined> {
  const url = new URL('api/v1/query', prometheusUrl.endsWith('/') ? prometheusUrl : `${prometheusUrl}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ query }),
      signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
      cache: 'no-store',
    });
  } catch {
    throw new MetricsUnavailable('unreachable', 'Prometheus cannot be reached');
  }
  const body = (await response.json().catch(() => undefined)) as { status?: string; errorType?: string; error?: string } | undefined;
  if (body?.status === 'success') return undefined;
  // Only a refusal of the query itself is the user's to fix; anything else means Prometheus could not judge it.
  if (body?.errorType === 'bad_data' && typeof body.error === 'string') return { errorType: body.errorType, error: body.error.slice(0, 1000) };
  throw new MetricsUnavailable('error', `Prometheus answered with an error (${body?.errorType ?? `HTTP ${response.status}`})`);
}

/** The placeholders' values for a check of `version` over a window of `windowSeconds`. */
export function placeholderValues(namespace: string, service: string, version: string, windowSeconds: number): Record<Placeholder, string> {
  return { namespace, service, version, interval: promDuration(windowSeconds) };
}

/**
 * Runs a release's template checks at `time`: each query rendered for the gray version, one value expected (a
 * scalar or a single series). Fewer gray requests than a check's minimum, no series, several series, or
 * Prometheus not answering fail that check.
 */
export async function runChecks(
  prometheusUrl: string,
  checks: MetricCheckSpec[],
  values: Record<Placeholder, string>,
  grayRequests: number | null,
  time: number,
): Promise<CheckResult[]> {
  return Promise.all(
    checks.map(async (check) => {
      if (!check.query) return judgeCheck(check, null, grayRequests, 'noData');
      try {
        const samples = await queryInstant(prometheusUrl, renderTemplate(check.query, values), time);
        // A scalar result is [time, "value"] rather than a list of series.
        if (samples.length === 2 && typeof (samples as unknown[])[0] === 'number') return judgeCheck(check, Number((samples as unknown as [number, string])[1]), grayRequests);
        if (samples.length > 1) return judgeCheck(check, null, grayRequests, 'manySeries');
        const value = samples.length === 1 ? Number(samples[0]!.value[1]) : null;
        return judgeCheck(check, value, grayRequests, samples.length === 0 ? 'noData' : undefined);
      } catch (error) {
        if (!(error instanceof MetricsUnavailable)) throw error;
        return judgeCheck(check, null, grayRequests, 'unavailable');
      }
    }),
  );
}
