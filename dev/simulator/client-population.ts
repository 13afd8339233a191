/**
 * The synthetic callers: a share of them carries the gray markers the demo rules match on, the rest are
 * ordinary users. Each simulated request comes from one of them, picked at random. Tests may add classes
 * of callers of their own (`CallerClass`), counted separately by `/split`. Every caller is also a session
 * user with a cookie jar (`sessions.ts`), identified by its place in the population.
 */
import type { MeshRequest } from './mesh-request.ts';

/** Callers that send the same extra headers, making up `share` of all callers. */
export interface CallerClass {
  name: string;
  share: number;
  headers: Record<string, string>;
  /** Its callers send no cookie of their own (not the ordinary `session=`): only what their jar holds, like a browser on a first visit. */
  noCookie?: boolean;
}

function ordinary(index: number): MeshRequest {
  return { path: '/', method: 'GET', caller: 'user', headers: { cookie: `session=c${index}`, 'end-user': `user-${index}`, 'user-agent': 'weir-simulator' } };
}

/**
 * The gray class: cookie `gray=true` (first, so the usual `^(.*?;)?(gray=true)(;.*)?$` rule matches without a
 * space after `;`) and header `end-user: asm`.
 */
function gray(index: number): MeshRequest {
  return { path: '/', method: 'GET', caller: 'gray', headers: { cookie: `gray=true; session=c${index}`, 'end-user': 'asm', 'user-agent': 'weir-simulator' } };
}

/** `size` callers: for each class its share of them (an ordinary user's headers plus the class's), the rest ordinary users. */
export function callerPopulation(classes: readonly CallerClass[], size = 1000): MeshRequest[] {
  const callers: MeshRequest[] = [];
  for (const { name, share, headers, noCookie } of classes) {
    const count = Math.round(Math.min(Math.max(share, 0), 1) * size);
    for (let index = 0; index < count && callers.length < size; index += 1) {
      const base = ordinary(callers.length);
      const sent: Record<string, string> = { ...base.headers, ...headers };
      if (noCookie) delete sent.cookie;
      callers.push({ ...base, caller: name, headers: sent });
    }
  }
  while (callers.length < size) callers.push(ordinary(callers.length));
  return callers;
}

/** `size` callers, the first `grayShare` of them gray, the rest ordinary users. */
export function clientPopulation(grayShare: number, size = 1000): MeshRequest[] {
  const count = Math.round(Math.min(Math.max(grayShare, 0), 1) * size);
  return Array.from({ length: size }, (_, index) => (index < count ? gray(index) : ordinary(index)));
}
