import 'server-only';
import { ApiException } from '@kubernetes/client-node';

/** What the API server said when it refused a request: its HTTP code and the Status object's reason and message. */
export interface ApiRefusal {
  code?: number;
  reason?: string;
  message: string;
}

function statusBody(body: unknown): { reason?: string; message?: string } {
  if (typeof body !== 'string') return (body ?? {}) as { reason?: string; message?: string };
  try {
    return JSON.parse(body) as { reason?: string; message?: string };
  } catch {
    return { message: body };
  }
}

/**
 * The API server's own words for a failed call (`destinationrules.networking.istio.io "reviews" is forbidden:
 * User … cannot update …`), not the client library's wrapper text ("HTTP-Code: 403 …"); other errors by
 * their first line.
 */
export function apiRefusalOf(error: unknown): ApiRefusal {
  if (error instanceof ApiException) {
    const status = statusBody(error.body);
    const code = typeof error.code === 'number' ? error.code : undefined;
    return { code, reason: status.reason, message: status.message ?? `The Kubernetes API answered ${error.code}` };
  }
  return { message: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
}
