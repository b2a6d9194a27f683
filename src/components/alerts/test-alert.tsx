'use client';
// "Send test alert": queues a signed test notification to every channel of the project and
// shows how each delivery went. Test deliveries belong to no alert, so no live event reports
// them; the page re-reads them each second while one is still in flight (seconds, not minutes:
// at most six attempts with backoff).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { inFlight } from '@/lib/alerts/delivery-words';
import { useTRPC } from '@/trpc/client';
import { DeliveryBadge } from './delivery-badge';

export function TestAlert({ project }: { project: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // The recent-deliveries list picks the new ones up too.
  const send = useMutation(trpc.alerts.sendTest.mutationOptions({ onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.alerts.deliveries.pathKey() }) }));
  const ids = send.data?.deliveryIds;
  const results = useQuery({
    ...trpc.alerts.deliveries.queryOptions({ project, ids: ids ?? [] }),
    enabled: !!ids,
    refetchInterval: (q) => (q.state.data?.some(inFlight) ? 1000 : false),
  });

  return (
    <div style={{ marginTop: 14, borderTop: '1px solid var(--border)', paddingTop: 12 }}>
      <div className="row">
        <button type="button" onClick={() => send.mutate({ project })} disabled={send.isPending} data-testid="send-test-alert">
          {send.isPending ? 'Sending…' : 'Send test alert'}
        </button>
        <span className="muted">to every webhook above</span>
      </div>
      <div role="status" aria-live="polite" data-testid="test-alert-result" style={{ marginTop: 8 }}>
        {send.isError && <p style={{ color: 'var(--bad)', margin: 0 }}>{send.error.message}</p>}
        {results.data && (
          <ul style={{ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: 4 }}>
            {[...results.data]
              .sort((a, b) => a.id - b.id)
              .map((d) => (
                <li key={d.id} className="row" style={{ gap: 8 }}>
                  <span className="mono" style={{ wordBreak: 'break-all' }}>
                    {d.url}
                  </span>
                  <DeliveryBadge delivery={d} showDetail />
                </li>
              ))}
          </ul>
        )}
      </div>
    </div>
  );
}
