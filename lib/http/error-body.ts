import 'server-only';
import { ApiException } from '@kubernetes/client-node';
import { ZodError } from 'zod';
import { hasMessage, say, translate, type Said } from '@/lib/i18n/messages';
import { MeshError } from '@/lib/mesh/errors';
import { HttpError, fieldErrors, type ErrorBody, type FieldError } from './errors';

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

/** A field problem with its English text from the catalogue, when its code is one. */
function inEnglish(problem: FieldError): FieldError {
  return problem.code && hasMessage(problem.code) ? { ...problem, message: translate('en', problem.code, problem.params) } : problem;
}

function body(status: number, reason: string, said: Said, fields?: FieldError[], details?: unknown): ErrorBody {
  const { code, params, message } = said;
  return { error: { status, reason, message, code, params, fields: fields && fields.length > 0 ? fields.map(inEnglish) : undefined, details } };
}

/** Maps anything thrown in a route to a status and body; Kubernetes errors keep reason and message. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof HttpError) return body(error.status, error.reason, error.said, error.fields, error.details);
  if (error instanceof MeshError) {
    const { status, reason } = MESH_STATUS[error.code];
    return body(status, reason, error.said, error.fields, error.details);
  }
  if (error instanceof ZodError) return body(400, 'BadRequest', say('server.invalidRequest'), fieldErrors(error));
  if (error instanceof ApiException) {
    const status = kubeStatusOf(error.body);
    const code = typeof error.code === 'number' && error.code >= 400 ? error.code : 502;
    const reason = status.reason ?? 'KubernetesError';
    // The API server's own words, as they are; the catalogue only says who said them.
    const said = status.message ? say('server.kubernetes', { reason, message: status.message }) : say('server.kubernetesStatus', { status: String(error.code) });
    return body(code, reason, said, undefined, status.details);
  }
  // Anything else is our bug or an unreachable API server: log it, never leak the stack.
  console.error('[weir] unexpected error', error);
  const unreachable = error instanceof Error && /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|fetch failed/.test(`${error.message} ${String(error.cause)}`);
  return unreachable ? body(503, 'ServiceUnavailable', say('server.unreachable')) : body(500, 'InternalError', say('server.internal'));
}
