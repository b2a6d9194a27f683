import { z } from 'zod';
import { CAUSES } from '@/lib/verdict';
import { acknowledgeAlert, listAlerts } from '../../alerts/list-alerts';
import { getRules, setRules } from '../../alerts/rules';
import { addWebhook, listWebhooks, projectIdByName, removeWebhook, sendTestAlert } from '../../alerts/webhooks';
import * as input from '../inputs';
import { publicProcedure, router } from '../trpc';

const id = z.number({ error: 'must be an id (an integer)' }).int('must be an id (an integer)').positive('must be a positive id');
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000, 'must be at most 2000 characters');

export const alertsRouter = router({
  list: publicProcedure
    .input(
      z
        .strictObject({
          state: z.enum(['open', 'acknowledged', 'resolved', 'active'], { error: 'must be one of open, acknowledged, resolved, active' }).optional(),
          project: input.projectName.optional(),
          runId: input.runId.optional(),
          cursor: id.optional(),
          limit: z.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200').optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listAlerts(ctx.db.prisma, input ?? {})),

  acknowledge: publicProcedure.input(z.strictObject({ id })).mutation(async ({ ctx, input }) => {
    const runId = await acknowledgeAlert(ctx.db.prisma, input.id, ctx.alerting.deps.now());
    ctx.db.live.publish({ type: 'alert', alertId: input.id, runId });
    return { ok: true as const };
  }),

  rules: publicProcedure.input(z.strictObject({ project: input.projectName })).query(async ({ ctx, input }) => getRules(ctx.db.prisma, await projectIdByName(ctx.db.prisma, input.project))),

  setRules: publicProcedure
    .input(
      z.strictObject({
        project: input.projectName,
        causes: z.array(z.enum(CAUSES, { error: `must be cause codes: ${CAUSES.join(', ')}` })).optional(),
        stallSeconds: z.number().int('must be whole seconds').min(10, 'must be ≥ 10 s').max(7 * 86400, 'must be ≤ 7 days').optional(),
        quietSeconds: z.number().int('must be whole seconds').min(0, 'must be ≥ 0').max(86400, 'must be ≤ 1 day').optional(),
        nonfiniteLoss: z.boolean({ error: 'must be true or false' }).optional(),
      }),
    )
    .mutation(async ({ ctx, input: { project, ...patch } }) => setRules(ctx.db.prisma, await projectIdByName(ctx.db.prisma, project), patch)),

  webhooks: publicProcedure.input(z.strictObject({ project: input.projectName })).query(({ ctx, input }) => listWebhooks(ctx.db.prisma, input.project)),

  addWebhook: publicProcedure
    .input(z.strictObject({ project: input.projectName, url: webhookUrl, secret: z.string().min(8, 'must be at least 8 characters').max(200).optional() }))
    .mutation(({ ctx, input }) => addWebhook(ctx.db.prisma, input.project, input.url, input.secret)),

  removeWebhook: publicProcedure.input(z.strictObject({ id })).mutation(async ({ ctx, input }) => {
    await removeWebhook(ctx.db.prisma, input.id);
    return { ok: true as const };
  }),

  sendTest: publicProcedure.input(z.strictObject({ project: input.projectName })).mutation(async ({ ctx, input }) => {
    const result = await sendTestAlert(ctx.alerting.deps, input.project);
    ctx.alerting.nudge();
    return result;
  }),
});
