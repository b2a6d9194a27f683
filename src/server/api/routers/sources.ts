import { z } from 'zod';
import { getRunSource } from '../../logdir/run-source';
import * as input from '../inputs';
import { publicProcedure, router } from '../trpc';

export const sourcesRouter = router({
  /** The log files a run is read from (log-directory mode); null for runs sent through the API. */
  get: publicProcedure.input(z.strictObject({ runId: input.runId })).query(({ ctx, input }) => getRunSource(ctx.db.prisma, input.runId)),
});
