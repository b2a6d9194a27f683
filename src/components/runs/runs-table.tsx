'use client';
// The runs table: every run with status, last step, LR now and expected, verdict; filters in the
// URL, keyset paging, live updates pushed over SSE (live.runs), selection for compare.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { StatusBadge, VerdictBadge } from '@/components/badges';
import { ErrorState, LiveIndicator, Loading } from '@/components/states';
import { COMPARE_MAX, COMPARE_MIN, compareHref } from '@/lib/ui/compare-url';
import { formatAgo, formatDateTime, formatLr, formatStep } from '@/lib/ui/format';
import { applyRunUpdate, type RunFilters, type SortDir, type SortKey, sortRuns } from '@/lib/ui/runs-view';
import { useTRPC } from '@/trpc/client';
import type { Run, RunsPage } from '@/trpc/types';
import { FirstRun } from './first-run';
import { ArchivedFilter, archivedFrom, BulkActions, runsCsvHref } from './runs-manage-tools';

const PAGE = 100;
const STATUSES = ['running', 'finished', 'crashed', 'stalled'] as const;

function useNow(ms = 15_000) {
  // Re-renders relative times ("5 min ago"); no network.
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function filtersFrom(params: URLSearchParams): RunFilters {
  const status = params.get('status');
  const flagged = params.get('flagged');
  return {
    project: params.get('project') || undefined,
    status: (STATUSES as readonly string[]).includes(status ?? '') ? (status as RunFilters['status']) : undefined,
    flagged: flagged === '1' ? true : flagged === '0' ? false : undefined,
    search: params.get('q') || undefined,
    archived: archivedFrom(params.get('archived')),
  };
}

const COLUMNS: { key: SortKey | null; label: string; className?: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'project', label: 'Project', className: 'hide-narrow' },
  { key: 'status', label: 'Status' },
  { key: 'lastStep', label: 'Last step', className: 'num hide-narrow' },
  { key: 'lr', label: 'LR now', className: 'num hide-narrow' },
  { key: null, label: 'Expected LR', className: 'num hide-narrow' },
  { key: 'verdict', label: 'Verdict' },
  { key: 'started', label: 'Started', className: 'hide-narrow' },
  { key: 'lastSeen', label: 'Last seen' },
];

export function RunsTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = useMemo(() => filtersFrom(new URLSearchParams(params?.toString() ?? '')), [params]);
  const [search, setSearch] = useState(filters.search ?? '');
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDir }>({ key: 'lastSeen', dir: 'desc' });
  const [selected, setSelected] = useState<number[]>([]);
  const [live, setLive] = useState<'waiting' | 'started' | 'failed'>('waiting');
  const now = useNow();

  const setParam = useCallback(
    (name: string, value: string | undefined) => {
      const next = new URLSearchParams(params?.toString() ?? '');
      if (value) next.set(name, value);
      else next.delete(name);
      const qs = next.toString();
      router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );

  // Search as you type, a beat after the last key.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((filters.search ?? '') !== search.trim()) setParam('q', search.trim() || undefined);
    }, 250);
    return () => clearTimeout(t);
  }, [search, filters.search, setParam]);

  const input = useMemo(() => ({ project: filters.project, status: filters.status, flagged: filters.flagged, search: filters.search, archived: filters.archived, limit: PAGE }), [filters]);
  // Keyset paging: one query per loaded page, each starting at the previous page's cursor.
  // (runs.list is a strict input; tRPC's infinite queries would add a "direction" field.)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), [input]);
  const pageOptions = cursors.map((cursor) => trpc.runs.list.queryOptions(cursor ? { ...input, cursor } : input));
  // The list is read once the live feed is subscribed, so no change falls between the two.
  const pages = useQueries({ queries: pageOptions.map((o) => ({ ...o, enabled: live !== 'waiting' })) });

  // The feed's callbacks see the pages currently shown.
  const current = useRef({ keys: pageOptions.map((o) => o.queryKey), filters });
  current.current = { keys: pageOptions.map((o) => o.queryKey), filters };

  const feed = useSubscription(
    trpc.live.runs.subscriptionOptions(undefined, {
      onData: ({ data }) => {
        if (data.kind === 'start') setLive('started');
        else if (data.kind === 'resync') void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
        else if (data.kind === 'removed') {
          for (const k of current.current.keys) queryClient.setQueryData<RunsPage>(k, (old) => old && { ...old, runs: old.runs.filter((r) => r.id !== data.runId) });
        } else {
          const { keys, filters: f } = current.current;
          const shown = keys.map((k) => queryClient.getQueryData<RunsPage>(k));
          const at = shown.findIndex((p) => p?.runs.some((r) => r.id === data.run.id));
          // Replaced where it is; otherwise (newly matching) added on top of the first page.
          const target = at >= 0 ? at : 0;
          queryClient.setQueryData<RunsPage>(keys[target], (old) => old && { ...old, runs: applyRunUpdate(old.runs, data.run, f) });
          const own = new Set(keys.map((k) => JSON.stringify(k)));
          // Lists read with other filters are re-read when shown again.
          void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey(), predicate: (q) => !own.has(JSON.stringify(q.queryKey)), refetchType: 'none' });
        }
      },
      onError: () => setLive((s) => (s === 'waiting' ? 'failed' : s)),
    }),
  );
  useEffect(() => {
    // Without live updates (SSE blocked), still show the table.
    if (feed.status === 'error' && live === 'waiting') setLive('failed');
  }, [feed.status, live]);

  // A run that moved pages while live updates arrived is shown once.
  const seen = new Set<number>();
  const rows = pages.flatMap((p) => p.data?.runs ?? []).filter((r) => !seen.has(r.id) && seen.add(r.id));
  const first = pages[0];
  const last = pages[pages.length - 1];
  const nextCursor = last?.data?.nextCursor ?? null;
  const loadingMore = pages.length > 1 && !!last?.isFetching && !last.data;
  const sorted = sortRuns(rows, sort.key, sort.dir);
  const projects = [...new Set(rows.map((r) => r.project))].sort();
  const anyFilter = !!(filters.project || filters.status || filters.flagged !== undefined || filters.search || filters.archived !== undefined);

  const toggle = (id: number) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= COMPARE_MAX ? s : [...s, id]));
  const sortBy = (key: SortKey) => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' || key === 'project' ? 'asc' : 'desc' }));

  if (first?.isSuccess && rows.length === 0 && !anyFilter) {
    return (
      <>
        <FirstRun />
        <p className="muted" style={{ textAlign: 'center' }}>
          <LiveIndicator status={feed.status} />
        </p>
      </>
    );
  }

  return (
    <>
      <div className="page-head">
        <h1>Runs</h1>
        <LiveIndicator status={feed.status} />
        <span className="spacer" />
        <span className="muted" aria-live="polite">
          {selected.length > 0 ? `${selected.length} selected` : `Select ${COMPARE_MIN}–${COMPARE_MAX} runs to compare`}
        </span>
        <BulkActions runs={rows.filter((r) => selected.includes(r.id))} onDone={() => setSelected([])} />
        <a className="button" href={runsCsvHref(filters)} download data-testid="runs-csv">
          Download table as CSV
        </a>
        {selected.length >= COMPARE_MIN ? (
          <Link className="button primary" href={compareHref(selected)} data-testid="compare-selected">
            Compare {selected.length} runs
          </Link>
        ) : (
          <button type="button" className="primary" disabled>
            Compare
          </button>
        )}
      </div>

      <form className="filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="f-search">Name or tag</label>
          <input id="f-search" type="search" placeholder="Search runs…" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="f-project">Project</label>
          <input
            id="f-project"
            type="text"
            list="projects"
            placeholder="All projects"
            defaultValue={filters.project ?? ''}
            onBlur={(e) => setParam('project', e.target.value.trim() || undefined)}
            onKeyDown={(e) => e.key === 'Enter' && setParam('project', e.currentTarget.value.trim() || undefined)}
          />
          <datalist id="projects">
            {projects.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={filters.status ?? ''} onChange={(e) => setParam('status', e.target.value || undefined)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-flagged">Verdict</label>
          <select id="f-flagged" value={filters.flagged === undefined ? '' : filters.flagged ? '1' : '0'} onChange={(e) => setParam('flagged', e.target.value || undefined)}>
            <option value="">Any verdict</option>
            <option value="1">Flagged only</option>
            <option value="0">Not flagged</option>
          </select>
        </div>
        <ArchivedFilter value={filters.archived} onChange={(v) => setParam('archived', v)} />
        {anyFilter && (
          <button type="button" onClick={() => { setSearch(''); router.replace(pathname, { scroll: false }); }}>
            Clear filters
          </button>
        )}
      </form>

      {first?.isError ? (
        <ErrorState title="Could not load runs." error={first.error} retry={() => void first.refetch()} />
      ) : !first?.isSuccess ? (
        <Loading label="Loading runs…" rows={6} />
      ) : rows.length === 0 ? (
        <div className="panel state" data-testid="no-matches">
          <p>
            <strong>No runs match these filters.</strong>
          </p>
          <button type="button" onClick={() => { setSearch(''); router.replace(pathname, { scroll: false }); }}>
            Clear filters
          </button>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="runs" data-testid="runs-table">
              <caption className="sr-only">Runs, {sort.key === 'lastSeen' ? 'most recently active first' : `sorted by ${sort.key} ${sort.dir === 'asc' ? 'ascending' : 'descending'}`}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span className="sr-only">Select for compare</span>
                  </th>
                  {COLUMNS.map((c) => (
                    <th key={c.label} scope="col" className={c.className} aria-sort={c.key && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {c.key ? (
                        <button type="button" onClick={() => sortBy(c.key!)}>
                          {c.label}
                          {sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                        </button>
                      ) : (
                        c.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {sorted.map((r) => (
                  <RunRow key={r.id} run={r} now={now} selected={selected.includes(r.id)} onToggle={toggle} disabled={!selected.includes(r.id) && selected.length >= COMPARE_MAX} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="row" style={{ marginTop: 10 }}>
            <span className="muted">
              {rows.length.toLocaleString('en-US')} run{rows.length === 1 ? '' : 's'} shown
              {nextCursor && sort.key !== 'lastSeen' ? ' (sorted among those loaded)' : ''}
            </span>
            {(nextCursor || loadingMore) && (
              <button type="button" onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : `Load ${PAGE} more`}
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}

function RunRow({ run, now, selected, onToggle, disabled }: { run: Run; now: number; selected: boolean; onToggle: (id: number) => void; disabled: boolean }) {
  return (
    <tr className={selected ? 'selected' : undefined} data-testid={`run-row-${run.id}`}>
      <td>
        <input type="checkbox" checked={selected} disabled={disabled} onChange={() => onToggle(run.id)} aria-label={`Select ${run.name} for compare`} />
      </td>
      <td className="name">
        <Link href={`/runs/${run.id}`}>{run.name}</Link>
        {run.tags.length > 0 && (
          <span className="tags">
            {run.tags.slice(0, 3).map((t) => (
              <span key={t} className="tag">
                {t}
              </span>
            ))}
            {run.tags.length > 3 && <span className="tag">+{run.tags.length - 3}</span>}
          </span>
        )}
      </td>
      <td className="hide-narrow">{run.project}</td>
      <td>
        <StatusBadge status={run.status} />
      </td>
      <td className="num hide-narrow" data-testid="last-step">
        {formatStep(run.lastStep)}
      </td>
      <td className="num mono hide-narrow">{formatLr(run.lastLr)}</td>
      <td className="num mono hide-narrow">{formatLr(run.expectedLr)}</td>
      <td>
        <VerdictBadge verdict={run.verdict} />
      </td>
      <td className="hide-narrow" title={run.startedAt}>
        {formatDateTime(run.startedAt)}
      </td>
      <td title={formatDateTime(run.lastSeenAt)}>{formatAgo(run.lastSeenAt, now)}</td>
    </tr>
  );
}
