/**
 * The synthetic callers: a share of them carries the gray markers the demo rules match on, the rest are
 * ordinary users. Each simulated request comes from one of them, picked at random.
 */
import type { MeshRequest } from './mesh-request.ts';

/**
 * `size` callers, the first `grayShare` of them gray: cookie `gray=true` (first, so the usual
 * `^(.*?;)?(gray=true)(;.*)?$` rule matches without a space after `;`) and header `end-user: asm`.
 */
export function clientPopulation(grayShare: number, size = 1000): MeshRequest[] {
  const gray = Math.round(Math.min(Math.max(grayShare, 0), 1) * size);
  return Array.from({ length: size }, (_, index): MeshRequest => ({
    path: '/',
    method: 'GET',
    headers:
      index < gray
        ? { cookie: `gray=true; session=c${index}`, 'end-user': 'asm', 'user-agent': 'weir-simulator' }
        : { cookie: `session=c${index}`, 'end-user': `user-${index}`, 'user-agent': 'weir-simulator' },
  }));
}
