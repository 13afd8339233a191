import type { ErrorBody, FieldError } from '@/lib/http/errors';
import type { MessageParams, Said } from '@/lib/i18n/format';

/**
 * An error answered by one of the console's routes, with the field-level messages it carried. It is a `Said`: the
 * i18n provider's `describe` shows it in the reader's language from its code and parameters.
 */
export class ApiError extends Error implements Said {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details?: unknown,
    readonly code?: string,
    readonly params?: MessageParams,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** The signed-in session's CSRF token, sent with every change (set once by the console layout). */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Fetches JSON from the console's API; non-2xx answers become an ApiError, 401 goes to the login page. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const mutating = init?.method && init.method !== 'GET';
  const headers = { accept: 'application/json', ...(mutating && csrfToken ? { 'x-csrf-token': csrfToken } : {}), ...init?.headers };
  const response = await fetch(url, { ...init, headers });
  if (response.status === 401 && typeof window !== 'undefined' && !url.startsWith('/api/auth/')) {
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.reason ?? 'Error', error?.message ?? response.statusText, error?.fields, error?.details, error?.code, error?.params);
  }
  return body as T;
}

/** `cluster=…&namespace=…` for list routes, leaving out what is not chosen ("all"). */
export function scopeQuery(cluster?: string, namespace?: string): URLSearchParams {
  const query = new URLSearchParams();
  if (cluster) query.set('cluster', cluster);
  if (namespace) query.set('namespace', namespace);
  return query;
}
