import { HttpError } from './errors';
import { say } from '@/lib/i18n/messages';

/** The most any route reads of a request body (a wizard's intent, an approval, a release action). */
export const MAX_BODY_BYTES = 64 * 1024;
/** The login route is reachable without a session: a bearer token (at most 16 KiB) and a little JSON. */
export const LOGIN_MAX_BODY_BYTES = 20 * 1024;

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'RequestEntityTooLarge', say('server.bodyTooLarge', { max: maxBytes }), [{ field: 'body', ...say('field.largerThan', { max: maxBytes }) }]);
}

/**
 * Reads a request body as UTF-8 text, counting bytes as they arrive and cancelling the stream as soon as they
 * pass `maxBytes` (413), whatever Content-Length says or whether the body is chunked: a client cannot make the
 * server hold more than `maxBytes` of its body. A declared Content-Length over the limit is refused unread.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      // Stop the upload here: the rest of the body is never buffered.
      await reader.cancel('request body too large').catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(body);
}
