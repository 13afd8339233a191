import 'server-only';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { HttpError, fieldErrors } from './errors';
import { toErrorBody } from './error-body';
import { MAX_BODY_BYTES, readBodyText } from './body-limit';
import { say } from '@/lib/i18n/messages';

/** A body that is JSON already (rows kept serialised, or their bytes kept encoded): `respond` sends it as it is. */
export class JsonText {
  constructor(
    readonly text: string | Uint8Array<ArrayBuffer>,
    /** Response headers of its own (an entity tag, its caching). */
    readonly headers: Record<string, string> = {},
    /** 304: the client holds these very bytes (its If-None-Match named their tag); the body is left out. */
    readonly notModified = false,
  ) {}
}

/** Whether the request's If-None-Match names `etag` (a list of tags, or `*`; weak tags compare equal, RFC 9110). */
export function holdsEtag(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match');
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Bytes of a kept body per chunk handed to the response. */
const BODY_CHUNK = 256 * 1024;

/**
 * Kept bytes as a body, read in views of them: a Uint8Array given to a Response is copied whole for every
 * answer (the services list is 7 MB at 10,000 services), and those copies are what the console's memory grew by.
 * Never a byte stream (`type: 'bytes'`), which would transfer, and so detach, the kept buffer.
 */
function bytesBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) return controller.close();
      const end = Math.min(offset + BODY_CHUNK, bytes.byteLength);
      controller.enqueue(bytes.subarray(offset, end));
      offset = end;
    },
  });
}

/** Runs a route's work and turns whatever it throws into a JSON error with the right status. */
export async function respond<T>(work: () => Promise<T>, init?: ResponseInit): Promise<NextResponse> {
  try {
    const result = await work();
    if (result instanceof JsonText) {
      const headers = { ...init?.headers, ...result.headers, 'content-type': 'application/json' };
      if (result.notModified) return new NextResponse(null, { ...init, status: 304, headers: result.headers });
      if (typeof result.text === 'string') return new NextResponse(result.text, { ...init, headers });
      return new NextResponse(bytesBody(result.text), { ...init, headers: { ...headers, 'content-length': String(result.text.byteLength) } });
    }
    return NextResponse.json(result, init);
  } catch (error) {
    const body = toErrorBody(error);
    return NextResponse.json(body, { status: body.error.status });
  }
}

/** Parses the query string with a zod schema; failures name the parameter. */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const result = schema.safeParse(params);
  if (!result.success) {
    throw new HttpError(400, 'BadRequest', say('server.invalidQuery'), fieldErrors(result.error, 'query'));
  }
  return result.data;
}

/**
 * Reads a JSON body (at most 64 KiB, or `maxBytes`; counted while it streams in, chunked or not) and parses it
 * with a zod schema; failures name the field.
 */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S, options: { maxBytes?: number } = {}): Promise<z.infer<S>> {
  const text = await readBodyText(request, options.maxBytes ?? MAX_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BadRequest', say('server.bodyNotJson'), [{ field: 'body', ...say('field.mustBeJson') }]);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new HttpError(400, 'BadRequest', say('server.invalidRequest'), fieldErrors(result.error));
  return result.data;
}

/** Parses dynamic route segments (Next passes them as a promise). */
export async function parseParams<S extends z.ZodType>(params: Promise<unknown>, schema: S): Promise<z.infer<S>> {
  const result = schema.safeParse(await params);
  if (!result.success) throw new HttpError(400, 'BadRequest', say('server.invalidPath'), fieldErrors(result.error, 'path'));
  return result.data;
}
