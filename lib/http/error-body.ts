import 'server-only';
import { ApiException } from '@kubernetes/client-node';
import { ZodError } from 'zod';
import { MeshError } from '@/lib/mesh/errors';
import { HttpError, fieldErrors, type ErrorBody } from './errors';

interface KubeStatus {
  reason?: string;
  message?: string;
  details?: unknown;
}

function kubeStatusOf(body: unknown): KubeStatus {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as KubeStatus;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as KubeStatus;
}

/** Domain errors as HTTP: the intent cannot apply (422), the objects changed (409), something is missing (404). */
const MESH_STATUS = {
  invalid: { status: 422, reason: 'Invalid' },
  conflict: { status: 409, reason: 'Conflict' },
  'not-found': { status: 404, reason: 'NotFound' },
} as const;

/** Maps anything thrown in a route to a status and body; Kubernetes errors keep reason and message. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof HttpError) {
    return {
      error: { status: error.status, reason: error.reason, message: error.message, fields: error.fields, details: error.details },
    };
  }
  if (error instanceof MeshError) {
    const { status, reason } = MESH_STATUS[error.code];
    return { error: { status, reason, message: error.message, fields: error.fields.length > 0 ? error.fields : undefined, details: error.details } };
  }
  if (error instanceof ZodError) {
    return { error: { status: 400, reason: 'BadRequest', message: 'The request is not valid', fields: fieldErrors(error) } };
  }
  if (error instanceof ApiException) {
    const status = kubeStatusOf(error.body);
    const code = typeof error.code === 'number' && error.code >= 400 ? error.code : 502;
    return {
      error: {
        status: code,
        reason: status.reason ?? 'KubernetesError',
        message: status.message ?? `The Kubernetes API answered ${error.code}`,
        details: status.details,
      },
    };
  }
  // Anything else is our bug or an unreachable API server: log it, never leak the stack.
  console.error('[weir] unexpected error', error);
  const unreachable = error instanceof Error && /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|fetch failed/.test(`${error.message} ${String(error.cause)}`);
  return unreachable
    ? { error: { status: 503, reason: 'ServiceUnavailable', message: 'The Kubernetes API server cannot be reached' } }
    : { error: { status: 500, reason: 'InternalError', message: 'Something went wrong on the server' } };
}
