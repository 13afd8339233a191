import type { MessageKey } from '@/lib/i18n/en';

/** Success-rate bands; a gray version below 95% is what a rollback decision looks at. Unknown is neutral, never healthy. */
export function successHealth(successRate: number | null): { tone: 'ok' | 'warn' | 'error' | 'neutral'; label: MessageKey } {
  if (successRate === null) return { tone: 'neutral', label: 'metrics.health.idle' };
  if (successRate >= 0.99) return { tone: 'ok', label: 'metrics.health.ok' };
  if (successRate >= 0.95) return { tone: 'warn', label: 'metrics.health.degraded' };
  return { tone: 'error', label: 'metrics.health.failing' };
}
