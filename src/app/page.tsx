import { HydrationBoundary } from '@tanstack/react-query';
import { RunsTable } from '@/components/runs/runs-table';
import { parseRunsView, runsListInput } from '@/lib/ui/runs-view';
import { searchParamsOf } from '@/lib/ui/search-params';
import { prefetch } from '@/trpc/server';

export const metadata = { title: 'Runs' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RunsPage({ searchParams }: Props) {
  const view = parseRunsView(searchParamsOf(await searchParams));
  const state = await prefetch(({ trpc, queryClient }) => Promise.all([queryClient.prefetchQuery(trpc.runs.list.queryOptions(runsListInput(view))), queryClient.prefetchQuery(trpc.alerts.projects.queryOptions())]));
  return (
    <HydrationBoundary state={state}>
      <RunsTable />
    </HydrationBoundary>
  );
}
