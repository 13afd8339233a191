import type { ServiceSummary } from './service-rows';

/*
 * How the Services page filters and sorts its rows, shared by the browser (the whole list) and the server (the
 * first screen of rows, sent before the whole list has arrived), so both show the same rows in the same order.
 */

/** How many rows the first screen holds: a tall window's worth, and the virtual list's overscan. */
export const FIRST_SCREEN_ROWS = 60;

export const SORT_KEYS = ['name', 'namespace', 'problems'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** What a row is sorted by. */
export interface OrderKey {
  service: string;
  namespace: string;
  /** Errors weigh a hundred warnings. */
  problems: number;
}

export function orderKeyOf(row: ServiceSummary): OrderKey {
  const errors = row.validations.filter((v) => v.severity === 'error').length;
  return { service: row.service, namespace: row.namespace, problems: errors * 100 + row.validations.length };
}

export const COMPARE: Record<SortKey, (a: OrderKey, b: OrderKey) => number> = {
  name: (a, b) => a.service.localeCompare(b.service) || a.namespace.localeCompare(b.namespace),
  namespace: (a, b) => a.namespace.localeCompare(b.namespace) || a.service.localeCompare(b.service),
  problems: (a, b) => b.problems - a.problems || a.service.localeCompare(b.service) || a.namespace.localeCompare(b.namespace),
};

/** The text the filter box searches in: name, namespace, host, provider and version names, in lower case. */
export function searchTextOf(row: ServiceSummary): string {
  return [row.service, row.namespace, row.host, row.routed ? row.provider.name : '', ...row.versions.map((v) => v.name)].join('\u0000').toLowerCase();
}

/** Whether a row's search text matches what was typed in the filter box (anything, when it is empty). */
export function matchesFilter(searchText: string, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  return !needle || searchText.includes(needle);
}

/** Each row's search text and order key, computed once per row object (a patch replaces the object). */
const derived = new WeakMap<ServiceSummary, { text: string; key: OrderKey }>();

function derive(row: ServiceSummary): { text: string; key: OrderKey } {
  let value = derived.get(row);
  if (!value) derived.set(row, (value = { text: searchTextOf(row), key: orderKeyOf(row) }));
  return value;
}

/** Rows filtered and sorted as the page shows them: each keystroke in the filter costs one pass, not a rebuild. */
export function orderRows(rows: readonly ServiceSummary[], sort: SortKey, filter: string): ServiceSummary[] {
  return rows.filter((row) => matchesFilter(derive(row).text, filter)).sort((a, b) => COMPARE[sort](derive(a).key, derive(b).key));
}
