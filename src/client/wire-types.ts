// The shapes on the wire, inferred from the server's own router so the client cannot drift
// from the zod schemas. Type-only imports: nothing of the server is loaded at run time.
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { ScheduleSpec } from '../lib/schedules/types';
import type { AppRouter } from '../server/api/root';

type Inputs = inferRouterInputs<AppRouter>['runs'];
type Outputs = inferRouterOutputs<AppRouter>['runs'];

export type { ScheduleSpec };

// The server parses `schedule` with the schedule engine (a zod transform over unknown), so its
// inferred input type is `unknown`; the spec's own type says more.
export type CreateRunInput = Omit<Inputs['create'], 'schedule'> & { schedule?: ScheduleSpec };
export type UpdateRunInput = Omit<Inputs['update'], 'schedule'> & { schedule?: ScheduleSpec };
export type LogInput = Inputs['log'];
export type FinishInput = Inputs['finish'];
export type GetRunInput = Inputs['get'];
export type ListRunsInput = NonNullable<Inputs['list']>;
export type SeriesInput = Inputs['series'];

/** One point as `runs.log` takes it: non-finite loss and metrics travel as "NaN", "Infinity", "-Infinity". */
export type WirePoint = LogInput['points'][number];
export type RunStatusOnFinish = NonNullable<FinishInput['status']>;

export type CreateRunOutput = Outputs['create'];
export type LogOutput = Outputs['log'];
export type UpdateRunOutput = Outputs['update'];
export type FinishOutput = Outputs['finish'];
export type GetRunOutput = Outputs['get'];
export type RunSummary = GetRunOutput['run'];
export type ListRunsOutput = Outputs['list'];
export type SeriesOutput = Outputs['series'];
