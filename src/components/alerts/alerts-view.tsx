'use client';
// Open and resolved alerts with links to the run and the step, and how their webhooks went;
// refreshed when live.alerts nudges. Rules and channels are on /alerts/settings.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useProjectParam } from '@/components/nav/project-switcher';
import { Empty, ErrorState, LiveIndicator, Loading } from '@/components/states';
import { formatDateTime, formatLr, formatStep } from '@/lib/ui/format';
import { CAUSE_SHORT } from '@/lib/ui/verdict-words';
import type { Cause } from '@/lib/verdict';
import { useTRPC } from '@/trpc/client';
import type { Alert } from '@/trpc/types';
import { AlertDeliveries } from './delivery-badge';

const KIND: Record<string, string> = { flagged: 'LR off schedule', stalled: 'Run stalled', nonfinite_loss: 'Loss is NaN or infinite' };
const STATE_TONE: Record<string, string> = { open: 'bad', acknowledged: 'warn', resolved: 'ok' };

export function AlertsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<'active' | 'resolved'>('active');
  const [started, setStarted] = useState(false);
  const feed = useSubscription(
    trpc.live.alerts.subscriptionOptions(undefined, {
      onData: ({ data }) => {
        if (data.kind === 'start') setStarted(true);
        else void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.pathKey() });
      },
    }),
  );
  const project = useProjectParam();
  const list = useQuery({ ...trpc.alerts.list.queryOptions({ state: tab, limit: 200, project }), enabled: started || feed.status === 'error' });
  const acknowledge = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.alerts.list.pathKey() }) }));
  const ack = (id: number) => acknowledge.mutate({ id });

  return (
    <>
      <div className="page-head">
        <h1>Alerts</h1>
        <LiveIndicator status={feed.status} />
        <span className="spacer" />
        <Link href="/alerts/settings" className="button" data-testid="alert-settings-link">
          Rules &amp; webhooks
        </Link>
        <div className="seg" role="group" aria-label="Which alerts">
          <button type="button" aria-pressed={tab === 'active'} onClick={() => setTab('active')}>
            Open{list.data && tab === 'active' ? ` (${list.data.openCount})` : ''}
          </button>
          <button type="button" aria-pressed={tab === 'resolved'} onClick={() => setTab('resolved')}>
            Resolved
          </button>
        </div>
      </div>
      {list.isError ? (
        <ErrorState title="Could not load alerts." error={list.error} retry={() => void list.refetch()} />
      ) : !list.data ? (
        <Loading label="Loading alerts…" />
      ) : list.data.alerts.length === 0 ? (
        <Empty title={tab === 'active' ? 'No open alerts.' : 'No resolved alerts yet.'}>
          <p>
            An alert opens when a run is flagged (its LR leaves the configured schedule), stops reporting, or logs a NaN loss; it resolves by itself when the problem clears. Webhooks (Slack-compatible) get the same alerts: set them, and which problems alert, under{' '}
            <Link href="/alerts/settings">Rules &amp; webhooks</Link>.
          </p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="runs" data-testid="alerts-table">
            <caption className="sr-only">{tab === 'active' ? 'Open alerts' : 'Resolved alerts'}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Alert</th>
                <th scope="col">Run</th>
                <th scope="col" className="num">
                  Step
                </th>
                <th scope="col">What happened</th>
                <th scope="col">Webhooks</th>
                <th scope="col">Opened</th>
                <th scope="col">{tab === 'active' ? '' : 'Resolved'}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.alerts.map((a) => (
                <AlertRow key={a.id} alert={a} onAck={ack} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function AlertRow({ alert: a, onAck }: { alert: Alert; onAck: (id: number) => void }) {
  return (
    <tr data-testid={`alert-row-${a.id}`}>
      <td>
        <span className={`badge ${STATE_TONE[a.state] ?? 'muted'}`}>{a.state}</span>
      </td>
      <td>
        {KIND[a.kind] ?? a.kind}
        {a.cause && a.cause in CAUSE_SHORT && <div className="muted">{CAUSE_SHORT[a.cause as Cause]}</div>}
      </td>
      <td>
        <Link href={`/runs/${a.run.id}`}>{a.run.name}</Link> <span className="muted">{a.run.project}</span>
      </td>
      <td className="num">{a.step !== null ? <Link href={`/runs/${a.run.id}?step=${a.step}`}>{formatStep(a.step)}</Link> : '—'}</td>
      <td style={{ whiteSpace: 'normal', minWidth: 280 }}>
        {a.message}
        {a.expected !== null && a.actual !== null && (
          <span className="muted">
            {' '}
            (expected {formatLr(a.expected)}, actual {formatLr(a.actual)})
          </span>
        )}
      </td>
      <td>
        <AlertDeliveries deliveries={a.deliveries} />
      </td>
      <td>{formatDateTime(a.openedAt)}</td>
      <td>
        {a.state === 'open' ? (
          <button type="button" onClick={() => onAck(a.id)} data-testid={`acknowledge-${a.id}`}>
            Acknowledge
          </button>
        ) : (
          formatDateTime(a.resolvedAt ?? a.acknowledgedAt)
        )}
      </td>
    </tr>
  );
}
