import { z } from 'zod';
import { listProjects } from '../../projects/list-projects';
import { setRetention } from '../../projects/retention';
import * as input from '../inputs';
import { changeProcedure, publicProcedure, router } from '../trpc';

export const projectsRouter = router({
  /** Every project with its runs and open alerts (the nav's switcher) and its retention policy. */
  list: publicProcedure.query(({ ctx }) => listProjects(ctx.db.prisma)),

  /** null removes the policy: runs are then kept until deleted by hand. */
  setRetention: changeProcedure
    .input(
      z.strictObject({
        project: input.projectName,
        policy: z
          .strictObject({
            days: z.number({ error: 'must be whole days' }).int('must be whole days').min(1, 'must be ≥ 1').max(36_500, 'must be ≤ 36500'),
            action: z.enum(['archive', 'delete'], { error: 'must be "archive" or "delete"' }),
          })
          .nullable(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const policy = await setRetention(ctx.db.prisma, ctx.scope, input.project, input.policy);
      // Applied now rather than at the next sweep; deletes of large runs continue in the background.
      ctx.alerting.nudgeSweep();
      return policy;
    }),
});
