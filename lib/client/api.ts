import type { ErrorBody, FieldError } from '@/lib/http/errors';

/** An error answered by one of the console's routes, with the field-level messages it carried. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Fetches JSON from the console's API; non-2xx answers become an ApiError. */
export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new ApiError(response.status, error?.reason ?? 'Error', error?.message ?? response.statusText, error?.fields, error?.details);
  }
  return body as T;
}
