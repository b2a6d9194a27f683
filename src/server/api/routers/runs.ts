import { z } from 'zod';
import { archiveRun } from '../../runs/archive-run';
import { createRun } from '../../runs/create-run';
import { deleteRun } from '../../runs/delete-run';
import { findRuns, RUN_SORTS } from '../../runs/find-runs';
import { finishRun } from '../../runs/finish-run';
import { getCompareSeries } from '../../runs/get-compare-series';
import { getRun } from '../../runs/get-run';
import { getSeries } from '../../runs/get-series';
import { logPoints } from '../../runs/log-points';
import { updateRun } from '../../runs/update-run';
import * as input from '../inputs';
import { LIMITS } from '../limits';
import { optimizerSchedules, scheduleSpec } from '../schedule-input';
import { changeProcedure, ingestProcedure, publicProcedure, router } from '../trpc';

const seriesPoints = z.number().int('must be an integer').min(1, 'must be ≥ 1').max(LIMITS.seriesMaxPoints, `must be ≤ ${LIMITS.seriesMaxPoints}`);

export const runsRouter = router({
  create: ingestProcedure
    .input(
      z.strictObject({
        name: input.runName,
        project: input.projectName.optional(),
        schedule: scheduleSpec.optional(),
        stepsPerEpoch: input.stepsPerEpoch.optional(),
        optimizers: optimizerSchedules.optional(),
        config: input.config.optional(),
        tags: input.tags.optional(),
        clientId: z.string().min(1).max(LIMITS.clientIdLength, `must be at most ${LIMITS.clientIdLength} characters`).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createRun(ctx.db, ctx.verdicts, ctx.principal, input)),

  // The ingest hot path: compiled, synchronous validation (see compiledInput).
  log: ingestProcedure
    .input(input.compiledInput(z.strictObject({ runId: input.runId, points: input.points })))
    .mutation(({ ctx, input }) => logPoints(ctx, ctx.principal, input.runId, input.points)),

  // Trainers (the API key) and people on the run page (the dashboard) both edit runs.
  update: changeProcedure
    .input(
      z.strictObject({
        runId: input.runId,
        name: input.runName.optional(),
        notes: input.notes.optional(),
        schedule: scheduleSpec.optional(),
        stepsPerEpoch: input.stepsPerEpoch.optional(),
        cadence: input.cadence.optional(),
        optimizers: optimizerSchedules.optional(),
        config: input.config.optional(),
        tags: input.tags.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await updateRun(ctx.db, ctx.verdicts, ctx.scope, input);
      // A corrected schedule can clear (or raise) an alert now, not at the next sweep.
      await ctx.alerting.syncRun(input.runId);
      return { ok: true as const };
    }),

  finish: ingestProcedure
    .input(z.strictObject({ runId: input.runId, status: z.enum(['finished', 'crashed'], { error: 'must be "finished" or "crashed"' }).optional() }))
    .mutation(async ({ ctx, input }) => {
      await finishRun(ctx.db, ctx.principal, input.runId, input.status);
      await ctx.alerting.syncRun(input.runId);
      return { ok: true as const };
    }),

  /** Hides the run from the runs table and silences its alerts; `archived: false` undoes it. */
  archive: changeProcedure
    .input(z.strictObject({ runId: input.runId, archived: z.boolean({ error: 'must be true or false' }) }))
    .mutation(({ ctx, input }) => archiveRun(ctx.db, ctx.alerting, ctx.scope, input.runId, input.archived)),

  /** The run and everything it holds; for good. */
  delete: changeProcedure.input(z.strictObject({ runId: input.runId })).mutation(({ ctx, input }) => deleteRun(ctx.db, ctx.scope, input.runId)),

  list: publicProcedure
    .input(
      z
        .strictObject({
          project: input.projectName.optional(),
          status: input.runStatus.optional(),
          flagged: z.boolean({ error: 'must be true or false' }).optional(),
          archived: z.union([z.boolean(), z.literal('only')], { error: 'must be true, false or "only"' }).optional(),
          search: input.text().max(200, 'must be at most 200 characters').optional(),
          sort: z.enum(RUN_SORTS, { error: `must be one of ${RUN_SORTS.join(', ')}` }).optional(),
          dir: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
          cursor: z.string().max(4000, 'must be at most 4000 characters').optional(),
          limit: z.number().int('must be an integer').min(1, 'must be ≥ 1').max(LIMITS.listLimit, `must be ≤ ${LIMITS.listLimit}`).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => findRuns(ctx.db.prisma, input ?? {})),

  get: publicProcedure
    .input(z.strictObject({ id: input.runId }))
    .query(async ({ ctx, input }) => ({ run: await getRun(ctx.db.prisma, input.id) })),

  series: publicProcedure
    .input(
      z
        .strictObject({
          runId: input.runId,
          metric: z.string().min(1, 'must name a metric (lr, loss, expected_lr or a logged metric)').max(LIMITS.metricNameLength),
          maxPoints: seriesPoints.optional(),
          fromStep: z.number().int('must be an integer').min(0, 'must be ≥ 0').optional(),
          toStep: z.number().int('must be an integer').min(0, 'must be ≥ 0').optional(),
        })
        .refine((v) => v.fromStep === undefined || v.toStep === undefined || v.fromStep <= v.toStep, { message: 'must not exceed toStep', path: ['fromStep'] }),
    )
    .query(({ ctx, input }) => getSeries(ctx.db, input)),

  // The compare page's five series of one run (lr, expected, loss; epoch and time for its axes).
  compareSeries: publicProcedure
    .input(
      z.strictObject({
        runId: input.runId,
        maxPoints: seriesPoints,
        axisSamples: seriesPoints,
      }),
    )
    .query(({ ctx, input }) => getCompareSeries(ctx.db, input)),
});
