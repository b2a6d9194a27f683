import { HydrationBoundary } from '@tanstack/react-query';
import { AlertsView } from '@/components/alerts/alerts-view';
import { alertsListInput, parseAlertsView } from '@/lib/ui/alerts-view';
import { searchParamsOf } from '@/lib/ui/search-params';
import { prefetch } from '@/trpc/server';

export const metadata = { title: 'Alerts' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AlertsPage({ searchParams }: Props) {
  const view = parseAlertsView(searchParamsOf(await searchParams));
  const state = await prefetch(({ trpc, queryClient }) => Promise.all([queryClient.prefetchQuery(trpc.alerts.list.queryOptions(alertsListInput(view))), queryClient.prefetchQuery(trpc.alerts.projects.queryOptions())]));
  return (
    <HydrationBoundary state={state}>
      <AlertsView />
    </HydrationBoundary>
  );
}
