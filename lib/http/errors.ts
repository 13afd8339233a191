import type { ZodError } from 'zod';

import type { MessageKey } from '@/lib/i18n/en';
import { CODED, type MessageParams, type Said } from '@/lib/i18n/format';
import type { FieldProblem } from '@/lib/mesh/errors';

/** One problem with a request field, named the way the client sent it (`weights.v2`, `body.name`). */
export type FieldError = FieldProblem;

/** The JSON body of every error response: `code` and `params` say `message` in the catalogue's words. */
export interface ErrorBody {
  error: { status: number; reason: string; message: string; code?: string; params?: MessageParams; fields?: FieldError[]; details?: unknown };
}

/** An error a route handler turns into an HTTP response as it is; `said` comes from `say(code, params)`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly said: Said,
    readonly fields?: FieldError[],
    readonly details?: unknown,
  ) {
    super(said.message);
  }
}

/** Catalogue codes for zod's own issues, for the schemas that give no message of their own. */
const ISSUE_CODES: Record<string, MessageKey> = {
  invalid_type: 'field.invalidType',
  too_small: 'field.tooSmall',
  too_big: 'field.tooBig',
  invalid_format: 'field.invalidFormat',
  not_multiple_of: 'field.notMultipleOf',
  unrecognized_keys: 'field.unrecognizedKeys',
  invalid_union: 'field.invalid',
  invalid_key: 'field.invalid',
  invalid_element: 'field.invalid',
  invalid_value: 'field.invalidValue',
  custom: 'field.invalid',
};

type Issue = ZodError['issues'][number];

function paramsOf(issue: Issue): MessageParams {
  const params: MessageParams = {};
  const record = issue as unknown as Record<string, unknown>;
  for (const name of ['expected', 'origin', 'format', 'divisor', 'minimum', 'maximum', 'inclusive']) {
    const value = record[name];
    if (typeof value === 'number' || typeof value === 'string') params[name] = value;
    else if (typeof value === 'bigint' || typeof value === 'boolean') params[name] = String(value);
  }
  if (Array.isArray(record.values)) params.values = record.values.map((value) => JSON.stringify(value)).join(', ');
  if (Array.isArray(record.keys)) params.keys = record.keys.join(', ');
  if (issue.code === 'custom' && issue.params) {
    for (const [name, value] of Object.entries(issue.params)) if (typeof value === 'number' || typeof value === 'string') params[name] = value;
  }
  return params;
}

/**
 * Field-level problems of a zod failure, with the path of each field joined by dots. A coded message keeps its code
 * and the issue's parameters (the server adds the English text; the browser renders the code). Any other message
 * gets the catalogue code of its kind of issue, whose words then replace it in both languages: a schema that wants
 * its own words codes them.
 */
export function fieldErrors(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    const params = paramsOf(issue);
    if (issue.message.startsWith(CODED)) return { field, code: issue.message.slice(CODED.length), params, message: issue.message.slice(CODED.length) };
    const custom = issue.code === 'custom' && typeof issue.params?.code === 'string' ? (issue.params.code as string) : undefined;
    return { field, code: custom ?? ISSUE_CODES[issue.code] ?? 'field.invalid', params, message: issue.message };
  });
}
