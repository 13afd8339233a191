import 'server-only';
import { toErrorBody } from '@/lib/http/error-body';
import type { Session } from './session-store';

/** One structured line per mutating request: who, what, on which objects, and how it ended. */
export function audit(entry: {
  session?: Session;
  action: string;
  cluster?: string;
  namespace?: string;
  target?: string;
  objects?: string[];
  result: 'allowed' | 'denied' | 'failed' | 'succeeded';
  status: number;
  message?: string;
}): void {
  const { session, ...rest } = entry;
  process.stdout.write(
    `${JSON.stringify({ audit: 'weir', time: new Date().toISOString(), user: session?.user.username ?? null, groups: session?.user.groups ?? [], ...rest })}\n`,
  );
}

/** Runs a mutation and writes its audit line, whatever the outcome. */
export async function audited<T>(
  entry: { session: Session; action: string; cluster: string; namespace: string; target: string },
  work: () => Promise<{ result: T; objects: string[] }>,
): Promise<T> {
  try {
    const { result, objects } = await work();
    audit({ ...entry, objects, result: 'succeeded', status: 200 });
    return result;
  } catch (error) {
    const body = toErrorBody(error);
    audit({ ...entry, result: body.error.status === 403 ? 'denied' : 'failed', status: body.error.status, message: body.error.message });
    throw error;
  }
}
