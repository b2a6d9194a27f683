import { HydrationBoundary } from '@tanstack/react-query';
import { headers } from 'next/headers';
import { RunsTable } from '@/components/runs/runs-table';
import { parseRunsView, runsListInput } from '@/lib/ui/runs-view';
import { searchParamsOf } from '@/lib/ui/search-params';
import { prefetch } from '@/trpc/server';

export const metadata = { title: 'Runs' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function RunsPage({ searchParams }: Props) {
  const view = parseRunsView(searchParamsOf(await searchParams));
  const state = await prefetch(({ trpc, queryClient }) => Promise.all([queryClient.prefetchQuery(trpc.runs.list.queryOptions(runsListInput(view))), queryClient.prefetchQuery(trpc.alerts.projects.queryOptions())]));
  // The Host header passed the server's allowlist before the page was rendered.
  const host = (await headers()).get('host');
  const origin = process.env.LRSCOPE_PUBLIC_URL?.replace(/\/$/, '') ?? `http://${host ?? '127.0.0.1:3000'}`;
  return (
    <HydrationBoundary state={state}>
      <RunsTable origin={origin} />
    </HydrationBoundary>
  );
}
