// Wire types the pages use, inferred from the router so they never drift.
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Out = inferRouterOutputs<AppRouter>;
export type Run = Out['runs']['get']['run'];
export type RunsPage = Out['runs']['list'];
export type Series = Out['runs']['series'];
export type CompareSeries = Out['runs']['compareSeries'];
export type AlertsPage = Out['alerts']['list'];
export type Alert = AlertsPage['alerts'][number];
