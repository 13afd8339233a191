/*
 * Domain errors: values of the domain, not HTTP statuses. The HTTP edge (lib/http) maps them to status codes
 * (invalid → 422, conflict → 409, not-found → 404) and keeps their fields and details. Each says what went wrong as a
 * message code with parameters (lib/i18n `say`), so the browser can put it in its reader's language.
 */
import type { Said } from '@/lib/i18n/format';

/** One problem with an input field, named the way the intent names it (`weights.v2`, `version`). */
export interface FieldProblem extends Said {
  field: string;
}

export type MeshErrorCode = 'invalid' | 'conflict' | 'not-found';

export class MeshError extends Error {
  readonly said: Said;

  constructor(
    readonly code: MeshErrorCode,
    said: Said,
    readonly fields: FieldProblem[] = [],
    readonly details?: unknown,
  ) {
    super(said.message);
    this.name = 'MeshError';
    this.said = said;
  }

  /** The same error with every field name prefixed (`version` → `intent.version`). */
  nested(prefix: string): MeshError {
    return new MeshError(this.code, this.said, this.fields.map((problem) => ({ ...problem, field: `${prefix}.${problem.field}` })), this.details);
  }
}

/** The intent cannot be carried out on the current objects, named by the field it concerns. */
export function invalid(said: Said, fields: FieldProblem[] = []): MeshError {
  return new MeshError('invalid', said, fields);
}

/** The objects changed in a way the intent did not expect; `details` carries the current state. */
export function conflict(said: Said, details?: unknown): MeshError {
  return new MeshError('conflict', said, [], details);
}

export function notFound(said: Said, fields: FieldProblem[] = []): MeshError {
  return new MeshError('not-found', said, fields);
}
