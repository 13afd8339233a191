import 'server-only';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { HttpError, fieldErrors } from './errors';
import { toErrorBody } from './error-body';

/** Runs a route's work and turns whatever it throws into a JSON error with the right status. */
export async function respond<T>(work: () => Promise<T>, init?: ResponseInit): Promise<NextResponse> {
  try {
    return NextResponse.json(await work(), init);
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
    throw new HttpError(400, 'BadRequest', 'Invalid query parameters', fieldErrors(result.error, 'query'));
  }
  return result.data;
}
