/*
 * Domain errors: values of the domain, not HTTP statuses. The HTTP edge (lib/http) maps them to status codes
 * (invalid → 422, conflict → 409, not-found → 404) and keeps their fields and details.
 */

/** One problem with an input field, named the way the intent names it (`weights.v2`, `version`). */
export interface FieldProblem {
  field: string;
  message: string;
}

export type MeshErrorCode = 'invalid' | 'conflict' | 'not-found';

export class MeshError extends Error {
  constructor(
    readonly code: MeshErrorCode,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'MeshError';
  }

  /** The same error with every field name prefixed (`version` → `intent.version`). */
  nested(prefix: string): MeshError {
    return new MeshError(this.code, this.message, this.fields.map((problem) => ({ ...problem, field: `${prefix}.${problem.field}` })), this.details);
  }
}

/** The intent cannot be carried out on the current objects, named by the field it concerns. */
export function invalid(message: string, fields: FieldProblem[] = []): MeshError {
  return new MeshError('invalid', message, fields);
}

/** The objects changed in a way the intent did not expect; `details` carries the current state. */
export function conflict(message: string, details?: unknown): MeshError {
  return new MeshError('conflict', message, [], details);
}

export function notFound(message: string, fields: FieldProblem[] = []): MeshError {
  return new MeshError('not-found', message, fields);
}
