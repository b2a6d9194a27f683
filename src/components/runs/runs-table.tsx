'use client';
// The runs table: every run with status, last step, LR now and expected, verdict and health;
// filters and sort in the URL (sorted and paged by the server over all runs), live updates
// pushed over SSE (live.runs), selection for compare.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorState, LiveIndicator, Loading } from '@/components/states';
import { AgoClock } from '@/components/time';
import { COMPARE_MAX, COMPARE_MIN, compareHref } from '@/lib/ui/compare-url';
import { applyRunUpdate, nextSort, parseRunsView, RUNS_PAGE, runsListInput, type RunsViewState, runsViewQuery, type SortKey } from '@/lib/ui/runs-view';
import { useTRPC } from '@/trpc/client';
import type { RunsPage } from '@/trpc/types';
import { FirstRun } from './first-run';
import { RunRow } from './run-row';
import { RunsFilters } from './runs-filters';
import { BulkActions, runsCsvHref } from './runs-manage-tools';

/**
 * The time relative times ("5 min ago") are read against: when the data was read (the same on
 * the server and in the browser, so the server's page hydrates as is), then a clock ticking
 * every `ms`; no network.
 */
function useNow(readAt: number, ms = 15_000) {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return Math.max(tick, readAt);
}

// Widths for a fixed layout: the name takes what is left, so no name can push the verdict away.
const COLUMNS: { key: SortKey | null; label: string; width: number | string; className?: string }[] = [
  { key: 'name', label: 'Name', width: 'auto' },
  { key: null, label: 'Project', width: 130, className: 'hide-narrow' },
  { key: 'status', label: 'Status', width: 96 },
  { key: 'lastStep', label: 'Last step', width: 92, className: 'num hide-narrow' },
  { key: 'lr', label: 'LR now', width: 78, className: 'num hide-narrow hide-md' },
  { key: null, label: 'Expected LR', width: 96, className: 'num hide-narrow hide-md' },
  { key: 'verdict', label: 'Verdict', width: 190 },
  { key: null, label: 'Health', width: 170 },
  { key: 'started', label: 'Created', width: 140, className: 'hide-narrow hide-md' },
  { key: 'lastSeen', label: 'Last seen', width: 96 },
];

const SORT_WORDS: Record<SortKey, string> = { lastSeen: 'last seen', started: 'created', name: 'name', status: 'status', lastStep: 'last step', lr: 'LR now', verdict: 'verdict (flagged first)' };

/** `origin`: this server as the page's request reached it (the first-run snippets name it). */
export function RunsTable({ origin }: { origin: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view = useMemo(() => parseRunsView(new URLSearchParams(params?.toString() ?? '')), [params]);
  const [selected, setSelected] = useState<number[]>([]);
  const [live, setLive] = useState<'waiting' | 'started' | 'failed'>('waiting');

  // A user's change is a new history entry: Back undoes it.
  const update = useCallback(
    (patch: Partial<RunsViewState>) => {
      const qs = runsViewQuery({ ...view, ...patch });
      router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
    },
    [view, pathname, router],
  );

  const input = useMemo(() => runsListInput(view), [view]);
  // Keyset paging: one query per loaded page, each starting at the previous page's cursor.
  // (runs.list is a strict input; tRPC's infinite queries would add a "direction" field.)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setCursors([undefined]), [input]);
  const pageOptions = cursors.map((cursor) => trpc.runs.list.queryOptions(cursor ? { ...input, cursor } : input));
  // The list is read once the live feed is subscribed, so no change falls between the two. A
  // first page that came with the page (read before the feed) is shown meanwhile, and read again
  // once the feed has started.
  const pages = useQueries({ queries: pageOptions.map((o) => ({ ...o, enabled: live !== 'waiting' })) });

  // The feed's callbacks see the pages currently shown.
  const current = useRef({ keys: pageOptions.map((o) => o.queryKey), view });
  current.current = { keys: pageOptions.map((o) => o.queryKey), view };

  const feedStarted = useRef(false);
  const feed = useSubscription(
    trpc.live.runs.subscriptionOptions(undefined, {
      onData: ({ data }) => {
        if (data.kind === 'start') {
          setLive('started');
          if (!feedStarted.current) void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey(), predicate: (q) => q.state.dataUpdatedAt > 0 });
          feedStarted.current = true;
        } else if (data.kind === 'resync') void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
        else if (data.kind === 'removed') {
          for (const k of current.current.keys) queryClient.setQueryData<RunsPage>(k, (old) => old && { ...old, runs: old.runs.filter((r) => r.id !== data.runId) });
        } else {
          const { keys, view: v } = current.current;
          const shown = keys.map((k) => queryClient.getQueryData<RunsPage>(k));
          const at = shown.findIndex((p) => p?.runs.some((r) => r.id === data.run.id));
          // Replaced where it is; otherwise (newly matching) added on top of the first page.
          const target = at >= 0 ? at : 0;
          const old = shown[target];
          const next = old && applyRunUpdate(old.runs, data.run, v, v.sort === 'lastSeen' && v.dir === 'desc');
          if (next) queryClient.setQueryData<RunsPage>(keys[target], { ...old, runs: next });
          else void queryClient.invalidateQueries({ queryKey: trpc.runs.list.pathKey() });
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
  const now = useNow(first?.dataUpdatedAt ?? 0);
  const last = pages[pages.length - 1];
  const nextCursor = last?.data?.nextCursor ?? null;
  const loadingMore = pages.length > 1 && !!last?.isFetching && !last.data;
  const anyFilter = !!(view.project || view.status || view.flagged !== undefined || view.search || view.archived !== undefined);

  const toggle = useCallback((id: number) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= COMPARE_MAX ? s : [...s, id])), []);

  if (first?.isSuccess && rows.length === 0 && !anyFilter) {
    return (
      <>
        <FirstRun origin={origin} />
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
        <a className="button" href={runsCsvHref(view)} download data-testid="runs-csv">
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

      <RunsFilters filters={view} onChange={update} />

      {first?.isError ? (
        <ErrorState title="Could not load runs." error={first.error} retry={() => void first.refetch()} />
      ) : !first?.isSuccess ? (
        <Loading label="Loading runs…" rows={6} />
      ) : rows.length === 0 ? (
        <div className="panel state" data-testid="no-matches">
          <p>
            <strong>No runs match these filters.</strong>
          </p>
          <button type="button" onClick={() => update({ search: undefined, project: undefined, status: undefined, flagged: undefined })}>
            Clear filters
          </button>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="runs cards" data-testid="runs-table">
              <caption className="sr-only">Runs, sorted by {SORT_WORDS[view.sort]}, {view.dir === 'asc' ? 'ascending' : 'descending'}</caption>
              <thead>
                <tr>
                  <th scope="col" style={{ width: 40 }}>
                    <span className="sr-only">Select for compare</span>
                  </th>
                  {COLUMNS.map((c) => (
                    <th key={c.label} scope="col" className={c.className} style={{ width: c.width }} aria-sort={c.key && view.sort === c.key ? (view.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                      {c.key ? (
                        <button type="button" onClick={() => update(nextSort(view, c.key!))} data-testid={`sort-${c.key}`}>
                          {c.label}
                          {view.sort === c.key ? (view.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                        </button>
                      ) : (
                        c.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <AgoClock.Provider value={now}>
                <tbody>
                  {rows.map((r) => (
                    <RunRow key={r.id} run={r} selected={selected.includes(r.id)} onToggle={toggle} disabled={!selected.includes(r.id) && selected.length >= COMPARE_MAX} />
                  ))}
                </tbody>
              </AgoClock.Provider>
            </table>
          </div>
          <div className="row" style={{ marginTop: 10 }}>
            <span className="muted" data-testid="runs-shown">
              {rows.length.toLocaleString('en-US')} run{rows.length === 1 ? '' : 's'} shown{nextCursor ? ', more below' : ''}
            </span>
            {(nextCursor || loadingMore) && (
              <button type="button" onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : `Load ${RUNS_PAGE} more`}
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}
