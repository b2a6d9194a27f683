// The runs page's state (filters and sort, kept in its URL) and the client-side logic for live
// updates: which runs a filter shows, and merging a pushed summary into the loaded rows. Pure.
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
  /** A substring of the project's name. */
  project?: string;
  status?: RunSummary['status'];
  flagged?: boolean;
  search?: string;
  /** Archived runs are hidden unless true (shown with the rest) or "only". */
  archived?: boolean | 'only';
}

/** The sort orders the server offers (runs.list). */
export const SORT_KEYS = ['lastSeen', 'started', 'name', 'status', 'lastStep', 'lr', 'verdict'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export interface RunsViewState extends RunFilters {
  sort: SortKey;
  dir: SortDir;
}

const STATUSES = ['running', 'finished', 'crashed', 'stalled'] as const;

/** The direction a column sorts in on its first click: names A→Z, flagged runs and the latest first. */
export function firstDir(key: SortKey): SortDir {
  return key === 'name' || key === 'status' ? 'asc' : 'desc';
}

/** A click on a column header: its first direction, or the other one if it is already the sort. */
export function nextSort(state: { sort: SortKey; dir: SortDir }, key: SortKey): { sort: SortKey; dir: SortDir } {
  if (state.sort !== key) return { sort: key, dir: firstDir(key) };
  return { sort: key, dir: state.dir === 'asc' ? 'desc' : 'asc' };
}

/** `archived` in the page's URL: absent (hidden), "1" (shown too) or "only". */
function archivedFrom(param: string | null): RunFilters['archived'] {
  return param === 'only' ? 'only' : param === '1' ? true : undefined;
}

export function parseRunsView(params: { get(name: string): string | null }): RunsViewState {
  const status = params.get('status');
  const flagged = params.get('flagged');
  const sort = SORT_KEYS.includes(params.get('sort') as SortKey) ? (params.get('sort') as SortKey) : 'lastSeen';
  const dirParam = params.get('dir');
  const dir: SortDir = dirParam === 'asc' || dirParam === 'desc' ? dirParam : sort === 'lastSeen' ? 'desc' : firstDir(sort);
  return {
    project: params.get('project')?.trim() || undefined,
    status: (STATUSES as readonly string[]).includes(status ?? '') ? (status as RunFilters['status']) : undefined,
    flagged: flagged === '1' ? true : flagged === '0' ? false : undefined,
    search: params.get('q')?.trim() || undefined,
    archived: archivedFrom(params.get('archived')),
    sort,
    dir,
  };
}

/** Runs per page of the table. */
export const RUNS_PAGE = 100;

/** runs.list's input for the table's first page: the same on the server (first view) and in the browser. */
export function runsListInput(v: RunsViewState) {
  return { project: v.project, status: v.status, flagged: v.flagged, search: v.search, archived: v.archived, sort: v.sort, dir: v.dir, limit: RUNS_PAGE };
}

/** The query string for a state; defaults are left out so the plain page has a plain address. */
export function runsViewQuery(s: RunsViewState): string {
  const q = new URLSearchParams();
  if (s.search) q.set('q', s.search);
  if (s.project) q.set('project', s.project);
  if (s.status) q.set('status', s.status);
  if (s.flagged !== undefined) q.set('flagged', s.flagged ? '1' : '0');
  if (s.archived) q.set('archived', s.archived === 'only' ? 'only' : '1');
  if (s.sort !== 'lastSeen') q.set('sort', s.sort);
  if (s.dir !== (s.sort === 'lastSeen' ? 'desc' : firstDir(s.sort))) q.set('dir', s.dir);
  return q.toString();
}

/** The same rule as the server's findRuns: every given filter must hold; search matches a substring of the name or a tag. */
export function matchesFilters(run: RunSummary, f: RunFilters): boolean {
  if (f.project && !run.project.includes(f.project)) return false;
  if (f.status && run.status !== f.status) return false;
  const archived = !!run.archivedAt;
  if (f.archived === 'only' ? !archived : f.archived !== true && archived) return false;
  if (f.flagged !== undefined && run.verdict.flagged !== f.flagged) return false;
  const q = f.search?.trim().toLowerCase();
  if (q && !run.name.toLowerCase().includes(q) && !run.tags.some((t) => t.toLowerCase().includes(q))) return false;
  return true;
}

/**
 * Folds a pushed summary into the loaded rows: replaced when present, dropped when it no longer
 * matches the filters, added on top when it newly matches and the order is "last seen" (it just
 * changed, so that is where it belongs). Under another sort its place is the server's to say:
 * the result is null, meaning "read the list again".
 */
export function applyRunUpdate<R extends RunSummary>(rows: R[], run: R, f: RunFilters, latestFirst = true): R[] | null {
  const i = rows.findIndex((r) => r.id === run.id);
  const keep = matchesFilters(run, f);
  if (i >= 0) {
    if (!keep) return rows.filter((r) => r.id !== run.id);
    const next = rows.slice();
    next[i] = run;
    return next;
  }
  if (!keep) return rows;
  return latestFirst ? [run, ...rows] : null;
}
