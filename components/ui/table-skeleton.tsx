export function TableSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div className="space-y-3 p-6" aria-busy="true">
      <div className="h-7 w-56 animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-96 animate-pulse rounded bg-slate-200" />
      <div className="mt-6 space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        {Array.from({ length: rows }, (_, index) => (
          <div key={index} className="h-8 animate-pulse rounded bg-slate-100" />
        ))}
      </div>
    </div>
  );
}
