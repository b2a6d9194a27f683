'use client';
// The number of open (unacknowledged) alerts on the nav's Alerts link, on every page. The
// server pushes a nudge when alerts change (live.alerts) and the count is read again; on
// (re)connect it is read again too, so a change missed while away cannot leave it stale.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from '@/trpc/client';

export function AlertsBadge() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useSubscription(trpc.live.alerts.subscriptionOptions(undefined, { onData: () => void queryClient.invalidateQueries({ queryKey: trpc.alerts.count.queryKey() }) }));
  const count = useQuery(trpc.alerts.count.queryOptions());
  const open = count.data?.open ?? 0;
  if (open === 0) return null;
  return (
    <span
      data-testid="alerts-badge"
      aria-label={`${open} open alert${open === 1 ? '' : 's'}`}
      // A bubble on the link's corner, out of the flow: the nav must still fit a phone's width.
      style={{
        position: 'absolute',
        top: -2,
        right: -5,
        background: 'var(--bad-solid)',
        color: '#fff',
        borderRadius: 999,
        boxShadow: '0 0 0 2px #0f172a',
        fontSize: 10,
        fontWeight: 700,
        lineHeight: '15px',
        minWidth: 15,
        padding: '0 4px',
        textAlign: 'center',
      }}
    >
      {open.toLocaleString('en-US')}
    </span>
  );
}
