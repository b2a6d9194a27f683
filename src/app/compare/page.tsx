import { HydrationBoundary } from '@tanstack/react-query';
import { CompareView } from '@/components/compare/compare-view';
import { parseCompare } from '@/lib/ui/compare-url';
import { searchParamsOf } from '@/lib/ui/search-params';
import { prefetch } from '@/trpc/server';

export const metadata = { title: 'Compare' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

// The runs' names and verdicts come with the page; the charts' series are sized to the screen, so
// the browser reads those.
export default async function ComparePage({ searchParams }: Props) {
  const { runs } = parseCompare(searchParamsOf(await searchParams));
  const state = await prefetch(({ trpc, queryClient }) => Promise.all(runs.map((id) => queryClient.prefetchQuery(trpc.runs.get.queryOptions({ id })))));
  return (
    <HydrationBoundary state={state}>
      <CompareView />
    </HydrationBoundary>
  );
}
