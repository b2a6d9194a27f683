// The runs table's client-side logic: which runs a filter shows (to place live updates), sort
// orders, and merging a pushed summary into the loaded rows. Pure.
import type { Verdict } from '../verdict';

/** The fields of a run summary (server/runs/run-summary.ts) the table logic reads. */
export interface RunSummary {
  id: number;
  project: string;
  name: string;
  status: 'running' | 'finished' | 'crashed' | 'stalled';
  tags: string[];
  startedAt: string;
  lastSeenAt: string;
  lastStep: number | null;
  lastLr: number | null;
  verdict: Verdict;
  /** Set when archived. */
  archivedAt?: string | null;
}

export interface RunFilters {
  project?: string;
  status?: RunSummary['status'];
  flagged?: boolean;
  search?: string;
  /** Archived runs are hidden unless true (shown with the rest) or "only". */
  archived?: boolean | 'only';
}

export type SortKey = 'lastSeen' | 'name' | 'project' | 'status' | 'lastStep' | 'lr' | 'verdict' | 'started';
export type SortDir = 'asc' | 'desc';

/** The same rule as the server's findRuns: every given filter must hold; search matches a substring of the name or a tag. */
export function matchesFilters(run: RunSummary, f: RunFilters): boolean {
  if (f.project && run.project !== f.project) return false;
  if (f.status && run.status !== f.status) return false;
  const archived = !!run.archivedAt;
  if (f.archived === 'only' ? !archived : f.archived !== true && archived) return false;
  if (f.flagged !== undefined && run.verdict.flagged !== f.flagged) return false;
  const q = f.search?.trim().toLowerCase();
  if (q && !run.name.toLowerCase().includes(q) && !run.tags.some((t) => t.toLowerCase().includes(q))) return false;
  return true;
}

const VERDICT_ORDER: Record<string, number> = { flagged: 0, unknown: 1, unverifiable: 2, no_schedule: 3, ok: 4 };
const STATUS_ORDER: Record<string, number> = { crashed: 0, stalled: 1, running: 2, finished: 3 };

function compare(a: RunSummary, b: RunSummary, key: SortKey): number {
  const num = (x: number | null) => (x === null ? Number.NEGATIVE_INFINITY : x);
  switch (key) {
    case 'lastSeen':
      return Date.parse(a.lastSeenAt) - Date.parse(b.lastSeenAt) || a.id - b.id;
    case 'started':
      return Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.id - b.id;
    case 'name':
      return a.name.localeCompare(b.name) || a.id - b.id;
    case 'project':
      return a.project.localeCompare(b.project) || a.name.localeCompare(b.name);
    case 'status':
      return STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.id - b.id;
    case 'lastStep':
      return num(a.lastStep) - num(b.lastStep) || a.id - b.id;
    case 'lr':
      return num(a.lastLr) - num(b.lastLr) || a.id - b.id;
    case 'verdict':
      return (VERDICT_ORDER[a.verdict.kind] ?? 9) - (VERDICT_ORDER[b.verdict.kind] ?? 9) || a.id - b.id;
  }
}

export function sortRuns<R extends RunSummary>(runs: R[], key: SortKey, dir: SortDir): R[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => sign * compare(a, b, key));
}

/**
 * Folds a pushed summary into the loaded rows: replaced when present, dropped when it no longer
 * matches the filters, added when it newly matches (it just changed, so it belongs at the top of
 * the default "last seen" order, i.e. on the first page).
 */
export function applyRunUpdate<R extends RunSummary>(rows: R[], run: R, f: RunFilters): R[] {
  const i = rows.findIndex((r) => r.id === run.id);
  const keep = matchesFilters(run, f);
  if (i >= 0) {
    if (!keep) return rows.filter((r) => r.id !== run.id);
    const next = rows.slice();
    next[i] = run;
    return next;
  }
  return keep ? [run, ...rows] : rows;
}
