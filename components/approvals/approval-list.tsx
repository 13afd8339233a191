'use client';

import Link from 'next/link';
import { useState } from 'react';
import { TrafficSplitChart } from '@/components/charts/traffic-split-chart';
import { SplitBar } from '@/components/charts/split-bar';
import { useI18n } from '@/components/i18n/i18n-provider';
import { ErrorPanel } from '@/components/ui/error-panel';
import { Button, inputClass } from '@/components/ui/field';
import { StatusBadge } from '@/components/ui/status-badge';
import { TableSkeleton } from '@/components/ui/table-skeleton';
import type { ApprovalItem } from '@/lib/release/model';
import type { SplitSnapshot } from '@/lib/release/model';
import { splitText } from '@/components/versions/release-history';
import { useApprovals, useDecision } from './use-approvals';

function splitVersions(split: SplitSnapshot) {
  return Object.entries(split.weights).map(([name, weight]) => ({ name, weight }));
}

function age(since: string, t: ReturnType<typeof useI18n>['t']): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 1000));
  if (seconds < 60) return t('age.seconds', { count: seconds });
  if (seconds < 3600) return t('age.minutes', { count: Math.round(seconds / 60) });
  return t('age.hours', { count: Math.round(seconds / 3600) });
}

function servicePage(item: ApprovalItem): string {
  return `/services/${[item.cluster, item.namespace, item.service].map(encodeURIComponent).join('/')}`;
}

/** One pending request: what it changes, who asked, the live split, and (for an approver) the decision. */
function PendingRequest({ item, chartInitiallyOpen }: { item: ApprovalItem; chartInitiallyOpen: boolean }) {
  const { t, describe } = useI18n();
  const [comment, setComment] = useState('');
  // The chart polls Prometheus; it mounts only while its section is open (the first few are), so a long list stays cheap.
  const [chartOpen, setChartOpen] = useState(chartInitiallyOpen);
  const decision = useDecision(item);
  const { request } = item;
  const commentId = `comment-${request.id}`;
  return (
    <li className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="approval-request" data-request-id={request.id}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          {/* Each request is headed by its service, so the chart's heading inside it sits one level below. */}
          <h2 className="inline text-base">
            <Link href={servicePage(item)} className="font-semibold text-brand-700 hover:underline">
              {item.service}.{item.namespace}
            </Link>
          </h2>
          <span className="ml-2 text-xs text-slate-500">{t('detail.where', { cluster: item.cluster, namespace: item.namespace })}</span>
          <p className="mt-1 text-sm" data-testid="approval-summary">
            {describe({ ...request.summaryWhy, message: request.summary })}
          </p>
        </div>
        <div className="text-right text-xs text-slate-600">
          <StatusBadge tone="warn">{t(`approvalKind.${request.kind}`)}</StatusBadge>
          <p className="mt-1" data-testid="approval-requester">
            {t('approvals.requestedBy', { user: request.requestedBy, age: age(request.requestedAt, t) })}
          </p>
        </div>
      </div>
      <div className="grid gap-2 text-xs sm:grid-cols-2">
        <div>
          <p className="mb-1 text-slate-500">{t('approvals.from')}</p>
          <SplitBar versions={splitVersions(request.from)} />
          <p className="mt-1 font-mono">{splitText(request.from, t)}</p>
        </div>
        <div>
          <p className="mb-1 text-slate-500">{t('approvals.to')}</p>
          <SplitBar versions={splitVersions(request.to)} />
          <p className="mt-1 font-mono" data-testid="approval-to">
            {splitText(request.to, t)}
          </p>
        </div>
      </div>
      <details className="rounded-md border border-slate-100" open={chartOpen} onToggle={(event) => setChartOpen(event.currentTarget.open)}>
        <summary className="cursor-pointer px-3 py-1.5 text-xs font-medium text-slate-600">{t('approvals.liveTraffic')}</summary>
        {chartOpen && (
          <div className="p-2">
            <TrafficSplitChart cluster={item.cluster} namespace={item.namespace} service={item.service} configured={request.from.weights} />
          </div>
        )}
      </details>
      {decision.error && (
        <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-800" data-testid="approval-error">
          {describe(decision.error)}
        </p>
      )}
      {item.canDecide ? (
        <div className="flex flex-wrap items-end gap-2">
          <div className="min-w-64 flex-1">
            <label htmlFor={commentId} className="block text-xs font-medium text-slate-600">
              {t('approvals.comment')}
            </label>
            <input id={commentId} className={inputClass} value={comment} maxLength={1000} onChange={(event) => setComment(event.target.value)} />
          </div>
          <Button tone="secondary" disabled={decision.isPending} onClick={() => decision.mutate({ decision: 'reject', comment })}>
            {t('approvals.reject')}
          </Button>
          <Button disabled={decision.isPending} onClick={() => decision.mutate({ decision: 'approve', comment })}>
            {t('approvals.approve')}
          </Button>
        </div>
      ) : (
        <p className="text-xs text-slate-500" data-testid="approval-cannot-decide">
          {item.mine ? t('approvals.yours') : t('approvals.notApprover', { namespace: item.namespace })}
        </p>
      )}
    </li>
  );
}

/** The Approvals page: every request waiting for a team lead in the namespaces the user can see. */
export function ApprovalList() {
  const { t, locale, describe } = useI18n();
  const { data, error, isPending, refetch } = useApprovals();
  if (isPending) return <TableSkeleton />;
  if (error) return <ErrorPanel error={error} onRetry={() => void refetch()} />;
  return (
    <div className="space-y-8 p-6">
      <div>
        <h1 className="text-xl font-semibold">{t('approvals.title')}</h1>
        <p className="text-sm text-slate-500">{t('approvals.explain')}</p>
      </div>
      {data.pending.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600" data-testid="approvals-empty">
          {t('approvals.none')}
        </p>
      ) : (
        <ul className="space-y-4">
          {data.pending.map((item, index) => (
            <PendingRequest key={`${item.cluster}/${item.namespace}/${item.request.id}`} item={item} chartInitiallyOpen={index < 3} />
          ))}
        </ul>
      )}
      {data.decided.length > 0 && (
        <section className="space-y-2">
          <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-500">{t('approvals.decided')}</h2>
          <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm shadow-sm" data-testid="approvals-decided">
            {data.decided.map((item) => (
              <li key={`${item.cluster}/${item.namespace}/${item.request.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
                <StatusBadge tone={item.request.state === 'Approved' ? 'ok' : item.request.state === 'Rejected' ? 'error' : 'neutral'}>{t(`approvalState.${item.request.state}`)}</StatusBadge>
                <Link href={servicePage(item)} className="font-medium text-brand-700 hover:underline">
                  {item.service}.{item.namespace}
                </Link>
                <span className="flex-1 text-slate-700">{describe({ ...item.request.summaryWhy, message: item.request.summary })}</span>
                <span className="text-xs text-slate-500">
                  {t('approvals.decidedBy', { requester: item.request.requestedBy, decider: item.request.decidedBy ?? '—' })}
                  {item.request.decidedAt && ` · ${new Date(item.request.decidedAt).toLocaleString(locale === 'zh' ? 'zh-CN' : 'en')}`}
                  {item.request.comment && ` · “${item.request.comment}”`}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
