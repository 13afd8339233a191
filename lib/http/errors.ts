import { ZodError } from 'zod';

import type { FieldProblem } from '@/lib/mesh/errors';

/** One problem with a request field, named the way the client sent it (`weights.v2`, `body.name`). */
export type FieldError = FieldProblem;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { status: number; reason: string; message: string; fields?: FieldError[]; details?: unknown };
}

/** An error a route handler turns into an HTTP response as it is. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly fields?: FieldError[],
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Field-level messages of a zod failure, with the path of each field joined by dots. */
export function fieldErrors(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}
