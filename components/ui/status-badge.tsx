import type { ReactNode } from 'react';

const TONES = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  warn: 'bg-amber-50 text-amber-900 ring-amber-200',
  error: 'bg-red-50 text-red-800 ring-red-200',
  info: 'bg-sky-50 text-sky-800 ring-sky-200',
  neutral: 'bg-slate-100 text-slate-700 ring-slate-200',
} as const;

const ICONS = { ok: '●', warn: '▲', error: '■', info: '◆', neutral: '○' } as const;

/** A status as colour and text (and a shape, for those who do not see the colour). */
export function StatusBadge({ tone, children, title }: { tone: keyof typeof TONES; children: ReactNode; title?: string }) {
  return (
    <span title={title} className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}>
      <span aria-hidden="true" className="text-[0.6rem]">
        {ICONS[tone]}
      </span>
      {children}
    </span>
  );
}
