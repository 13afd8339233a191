import type { ReactNode } from 'react';

/** A labelled form field with its error (from the browser or the server) right beneath it. */
export function Field({ label, error, hint, children, htmlFor }: { label: string; error?: string; hint?: string; children: ReactNode; htmlFor: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={htmlFor} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children}
      {hint && !error && <p className="text-xs text-slate-500">{hint}</p>}
      {error && (
        <p role="alert" className="text-xs font-medium text-red-700" data-testid={`error-${htmlFor}`}>
          {error}
        </p>
      )}
    </div>
  );
}

export const inputClass =
  'w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 aria-[invalid=true]:border-red-400';

export function Button({
  children,
  tone = 'primary',
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { tone?: 'primary' | 'secondary' | 'danger' }) {
  const tones = {
    primary: 'bg-brand-600 text-white hover:bg-brand-700 disabled:bg-slate-300 aria-disabled:bg-slate-500',
    secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400 aria-disabled:text-slate-500',
    danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-slate-300 aria-disabled:bg-slate-500',
  };
  return (
    <button type="button" {...props} className={`rounded-md px-4 py-2 text-sm font-medium shadow-sm ${tones[tone]} ${props.className ?? ''}`}>
      {children}
    </button>
  );
}
