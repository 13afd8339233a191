import type { Weights } from '@/lib/mesh/weights';

/** What a weight change does, for the apply button: `{ kind: 'move', amount: 20, to: 'v2' }` or the whole split. */
export function describeWeightChange(before: Weights, after: Weights): { kind: 'move'; amount: number; to: string } | { kind: 'set'; split: string } {
  const gains = Object.entries(after).filter(([name, value]) => value > (before[name] ?? 0));
  if (gains.length === 1) {
    const [to, value] = gains[0]!;
    return { kind: 'move', amount: value - (before[to] ?? 0), to };
  }
  return { kind: 'set', split: Object.entries(after).map(([name, value]) => `${name} ${value}%`).join(' / ') };
}
