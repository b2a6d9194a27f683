import { z } from 'zod';
import { getRunSource } from '../../logdir/run-source';
import { appendWatched } from '../../logdir/watched';
import * as input from '../inputs';
import { LIMITS } from '../limits';
import { ingestProcedure, publicProcedure, router } from '../trpc';

const name = (what: string) => z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, `must be the ${what}: letters, digits and _ . - (at most 100)`);

export const sourcesRouter = router({
  /** The log files a run is read from (log-directory mode); null for runs sent through the API. */
  /** New bytes of a file watched on a training host (`python -m lrscope watch`), at their offset. */
  append: ingestProcedure
    .input(
      z.strictObject({
        host: name("training host's name"),
        dir: name("watched folder's name"),
        path: z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
        offset: z.number().int('must be an integer ≥ 0').min(0, 'must be an integer ≥ 0'),
        // base64 of at most 8 MiB, well within the request body limit.
        data: z.string().max(Math.min(LIMITS.bodyBytes - 4096, (8 * 2 ** 20 * 4) / 3 + 4), 'must be at most 8 MiB (base64)'),
        reset: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => appendWatched(ctx.watchDir, ctx.principal, input)),

  get: publicProcedure.input(z.strictObject({ runId: input.runId })).query(({ ctx, input }) => getRunSource(ctx.db.prisma, input.runId)),
});
