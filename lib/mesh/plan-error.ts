import { HttpError, type FieldError } from '@/lib/http/errors';

/** The intent cannot be carried out on the current objects (422), named by the field it concerns. */
export function unprocessable(message: string, fields: FieldError[] = []): HttpError {
  return new HttpError(422, 'Invalid', message, fields);
}

/** The objects changed in a way the intent did not expect (409); `details` carries the current view. */
export function conflict(message: string, details?: unknown): HttpError {
  return new HttpError(409, 'Conflict', message, undefined, details);
}
