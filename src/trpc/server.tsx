// The first view's data, read on the server (page-data.ts) into a React Query cache and handed
// to the browser's cache with the page, under the keys the browser's own queries use: the page
// arrives with its content drawn instead of fetching it after its scripts have run. A read that
// fails is left out; the browser then makes it as before.
import { dehydrate, type DehydratedState, QueryClient } from '@tanstack/react-query';
import { createTRPCClient, TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { createTRPCOptionsProxy, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { connection } from 'next/server';
import type { AppRouter } from '@/server/api/root';
import { pageData } from '@/server/page-data';

const pageLink: TRPCLink<AppRouter> =
  () =>
  ({ op }) =>
    observable((observer) => {
      const data = pageData();
      if (!data) {
        observer.error(TRPCClientError.from(new Error('no page data in this process')));
        return;
      }
      data.read(op.path, op.input).then(
        (value) => {
          observer.next({ result: { type: 'data', data: value } });
          observer.complete();
        },
        (err: Error) => observer.error(TRPCClientError.from(err)),
      );
    });

export interface ServerReads {
  trpc: TRPCOptionsProxy<AppRouter>;
  queryClient: QueryClient;
}

/**
 * Runs `load` (prefetchQuery / fetchQuery calls) and returns what it read, for a
 * <HydrationBoundary> around the page's client components. Await it in the page itself, and put
 * no <Suspense> around the page's content: React sends a suspending or large (≥ ~12 kB) boundary
 * as its fallback first and swaps the content in later by a script (a layout shift, a late paint).
 */
export async function prefetch(load: (reads: ServerReads) => Promise<unknown>): Promise<DehydratedState | undefined> {
  // Read per request: the page is rendered for each one, never at build time.
  await connection();
  if (!pageData()) return undefined;
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } } });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [pageLink] }), queryClient });
  await load({ trpc, queryClient }).catch(() => undefined);
  return dehydrate(queryClient);
}

