'use client';
// The project's latest webhook deliveries: what was sent where, and how it went. Refreshed by
// the page's live.alerts subscription; re-read each second only while one is in flight.
import { useQuery } from '@tanstack/react-query';
import { ErrorState, Loading } from '@/components/states';
import { inFlight } from '@/lib/alerts/delivery-words';
import { LocalDateTime } from '@/components/time';
import { useTRPC } from '@/trpc/client';
import { DeliveryBadge } from './delivery-badge';

const EVENT: Record<string, string> = { raised: 'Alert raised', resolved: 'Alert resolved', test: 'Test alert' };
const CHANNEL: Record<string, string> = { project: 'project', default: 'server default', removed: 'removed since' };

export function RecentDeliveries({ project }: { project: string }) {
  const trpc = useTRPC();
  const list = useQuery({ ...trpc.alerts.deliveries.queryOptions({ project, limit: 15 }), refetchInterval: (q) => (q.state.data?.some(inFlight) ? 1000 : false) });
  return (
    <section className="panel" aria-labelledby="deliveries-title" style={{ marginTop: 12 }}>
      <h2 id="deliveries-title">Recent deliveries</h2>
      {list.isError ? (
        <ErrorState title="Could not load deliveries." error={list.error} retry={() => void list.refetch()} />
      ) : !list.data ? (
        <Loading label="Loading deliveries…" rows={2} />
      ) : list.data.length === 0 ? (
        <p className="muted" style={{ margin: 0 }}>
          Nothing sent yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="runs" data-testid="deliveries-table">
            <caption className="sr-only">Latest webhook deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">To</th>
                <th scope="col">State</th>
                <th scope="col">Receiver answered</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => (
                <tr key={d.id}>
                  <td>
                    <LocalDateTime iso={d.createdAt} />
                  </td>
                  <td>{EVENT[d.event] ?? d.event}</td>
                  <td>
                    <span className="mono">{d.url}</span> <span className="muted">({CHANNEL[d.channel]})</span>
                  </td>
                  <td>
                    <DeliveryBadge delivery={d} />
                  </td>
                  <td className="muted" style={{ whiteSpace: 'normal' }}>
                    {d.lastError && d.lastStatus === null ? d.lastError : d.lastStatus !== null ? `HTTP ${d.lastStatus}` : '—'}
                    {d.attempts > 1 ? ` (${d.attempts} attempts)` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
