'use client';

import { useScope } from '@/components/layout/use-scope';

/** A list's text filter, kept in the URL (`?q=`) so links and reloads keep it. */
export function FilterInput({ label, value }: { label: string; value: string }) {
  const [, setScope] = useScope();
  return (
    <input
      type="search"
      aria-label={label}
      placeholder={label}
      defaultValue={value}
      onChange={(event) => setScope({ q: event.target.value || undefined })}
      className="w-72 rounded-md border border-slate-300 px-3 py-1.5 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
    />
  );
}
