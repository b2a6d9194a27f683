'use client';
// Open and resolved alerts, grouped by kind with exact counts, filtered by project, kind and run
// (kept in the URL), acknowledged one by one, by selection or all matching at once; refreshed
// when live.alerts nudges. Rules and channels are on /alerts/settings.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useRef, useState } from 'react';
import { Empty, ErrorState, LiveIndicator, Loading } from '@/components/states';
import { ALERT_KINDS, alertsListInput, type AlertsViewState, alertsViewQuery, groupByKind, KIND_WORDS, parseAlertsView } from '@/lib/ui/alerts-view';
import { useTRPC } from '@/trpc/client';
import { AlertRow } from './alert-row';

export function AlertsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view = useMemo(() => parseAlertsView(new URLSearchParams(params?.toString() ?? '')), [params]);
  const update = (patch: Partial<AlertsViewState>) => {
    const qs = alertsViewQuery({ ...view, ...patch });
    setSelected([]);
    router.push(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  const [started, setStarted] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  // The list is read once the feed is subscribed, so no change falls between the two; a list that
  // came with the page (read before the feed) is shown meanwhile and read again then.
  const feedStarted = useRef(false);
  const feed = useSubscription(
    trpc.live.alerts.subscriptionOptions(undefined, {
      onData: ({ data }) => {
        if (data.kind === 'start') {
          setStarted(true);
          if (!feedStarted.current) void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.pathKey(), predicate: (q) => q.state.dataUpdatedAt > 0 });
          feedStarted.current = true;
        } else void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.pathKey() });
      },
    }),
  );
  const filter = { project: view.project, kind: view.kind, runId: view.runId };
  const list = useQuery({ ...trpc.alerts.list.queryOptions(alertsListInput(view)), enabled: started || feed.status === 'error' });
  const projects = useQuery(trpc.alerts.projects.queryOptions());
  const refresh = () => {
    setSelected([]);
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.alerts.count.queryKey() });
  };
  const acknowledge = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSettled: refresh }));
  const acknowledgeMany = useMutation(trpc.alerts.acknowledgeMany.mutationOptions({ onSettled: refresh }));

  const data = list.data;
  const total = data?.kinds.reduce((n, k) => n + k.count, 0) ?? 0;
  const runName = view.runId ? (data?.alerts.find((a) => a.run.id === view.runId)?.run.name ?? `run ${view.runId}`) : null;
  const select = useCallback((id: number, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id))), []);
  // Stable callbacks for the memoised rows; each calls the current render's action.
  const actions = useRef({ acknowledge: (_id: number) => {}, showRun: (_runId: number) => {} });
  actions.current = { acknowledge: (id) => acknowledge.mutate({ id }), showRun: (runId) => update({ runId }) };
  const onAck = useCallback((id: number) => actions.current.acknowledge(id), []);
  const onRun = useCallback((runId: number) => actions.current.showRun(runId), []);

  return (
    <>
      <div className="page-head">
        <h1>Alerts</h1>
        <LiveIndicator status={feed.status} />
        <span className="spacer" />
        <Link href="/alerts/settings" className="button" data-testid="alert-settings-link" prefetch={false}>
          Rules &amp; webhooks
        </Link>
        <div className="seg" role="group" aria-label="Which alerts">
          <button type="button" aria-pressed={view.tab === 'active'} onClick={() => update({ tab: 'active' })}>
            Active
          </button>
          <button type="button" aria-pressed={view.tab === 'resolved'} onClick={() => update({ tab: 'resolved' })}>
            Resolved
          </button>
        </div>
      </div>

      <form className="filters" role="search" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="a-project">Project</label>
          <select id="a-project" value={view.project ?? ''} onChange={(e) => update({ project: e.target.value || undefined })}>
            <option value="">All projects</option>
            {(projects.data ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} ({p.openAlerts} open)
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="a-kind">Kind</label>
          <select id="a-kind" value={view.kind ?? ''} onChange={(e) => update({ kind: (e.target.value || undefined) as AlertsViewState['kind'] })}>
            <option value="">Every kind</option>
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_WORDS[k]}
              </option>
            ))}
          </select>
        </div>
        {runName && (
          <button type="button" onClick={() => update({ runId: undefined })} data-testid="run-filter" title={runName} style={{ maxWidth: '100%' }}>
            <span className="truncate" style={{ maxWidth: 260 }}>
              Run: {runName}
            </span>
            <span aria-hidden="true">×</span>
            <span className="sr-only">(show every run)</span>
          </button>
        )}
      </form>

      {data && view.tab === 'active' && (
        <div className="bulk-bar" data-testid="alerts-summary">
          <strong data-testid="open-count">
            {data.openCount.toLocaleString('en-US')} open
          </strong>
          <span className="muted">
            {data.kinds.map((k) => `${k.count.toLocaleString('en-US')} ${KIND_WORDS[k.kind] ?? k.kind}`).join(' · ') || 'none'}
          </span>
          <span className="spacer" style={{ flex: 1 }} />
          <button type="button" disabled={selected.length === 0 || acknowledgeMany.isPending} onClick={() => acknowledgeMany.mutate({ ids: selected })} data-testid="ack-selected">
            Acknowledge selected ({selected.length})
          </button>
          <button type="button" disabled={data.openCount === 0 || acknowledgeMany.isPending} onClick={() => acknowledgeMany.mutate(filter)} data-testid="ack-all">
            Acknowledge all {data.openCount.toLocaleString('en-US')} open{view.project || view.kind || view.runId ? ' matching' : ''}
          </button>
        </div>
      )}

      {list.isError ? (
        <ErrorState title="Could not load alerts." error={list.error} retry={() => void list.refetch()} />
      ) : !data ? (
        <Loading label="Loading alerts…" />
      ) : data.alerts.length === 0 ? (
        <Empty title={view.tab === 'active' ? 'No active alerts.' : 'No resolved alerts yet.'}>
          <p>
            An alert opens when a run is flagged (its LR leaves the configured schedule), stops reporting, or logs a NaN loss; it resolves by itself when the problem clears. Webhooks (Slack-compatible) get the same alerts: set them, and which problems alert, under{' '}
            <Link href="/alerts/settings">Rules &amp; webhooks</Link>.
          </p>
        </Empty>
      ) : (
        <>
          {groupByKind(data.alerts).map((g) => {
            const count = data.kinds.find((k) => k.kind === g.kind)?.count ?? g.alerts.length;
            const ids = g.alerts.filter((a) => a.state === 'open').map((a) => a.id);
            const all = ids.length > 0 && ids.every((id) => selected.includes(id));
            return (
              <details key={g.kind} className="group" open data-testid={`alert-group-${g.kind}`}>
                <summary>
                  {KIND_WORDS[g.kind] ?? g.kind} <span className="muted">({count.toLocaleString('en-US')}{count > g.alerts.length ? `, newest ${g.alerts.length} shown` : ''})</span>
                </summary>
                <div className="table-wrap">
                  <table className="runs cards alert-cards" data-testid="alerts-table">
                    <caption className="sr-only">
                      {KIND_WORDS[g.kind] ?? g.kind}: {view.tab === 'active' ? 'active' : 'resolved'} alerts, newest first
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col" style={{ width: 44 }}>
                          {ids.length > 0 ? (
                            <input type="checkbox" checked={all} onChange={(e) => setSelected((s) => (e.target.checked ? [...new Set([...s, ...ids])] : s.filter((x) => !ids.includes(x))))} aria-label={`Select every open alert in ${KIND_WORDS[g.kind] ?? g.kind}`} />
                          ) : (
                            <span className="sr-only">Select</span>
                          )}
                        </th>
                        <th scope="col" style={{ width: 120 }}>
                          State
                        </th>
                        <th scope="col" style={{ width: 'auto' }}>
                          Run
                        </th>
                        <th scope="col" className="num" style={{ width: 84 }}>
                          Step
                        </th>
                        <th scope="col" className="hide-narrow" style={{ width: '34%' }}>
                          What happened
                        </th>
                        <th scope="col" className="hide-narrow hide-md" style={{ width: 150 }}>
                          Webhooks
                        </th>
                        <th scope="col" style={{ width: 130 }}>
                          Opened
                        </th>
                        <th scope="col" style={{ width: 130 }}>
                          {view.tab === 'active' ? 'Action' : 'Resolved'}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {g.alerts.map((a) => (
                        <AlertRow key={a.id} alert={a} selected={selected.includes(a.id)} onSelect={select} onAck={onAck} onRun={onRun} />
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            );
          })}
          <p className="muted" data-testid="alerts-shown">
            {data.alerts.length.toLocaleString('en-US')} of {total.toLocaleString('en-US')} shown
            {data.nextCursor ? ' (newest first; narrow the filters to see the rest)' : ''}
          </p>
        </>
      )}
    </>
  );
}
