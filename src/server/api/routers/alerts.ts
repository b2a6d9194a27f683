import { z } from 'zod';
import { CAUSES } from '@/lib/verdict';
import { acknowledgeAlert } from '../../alerts/acknowledge-alert';
import { acknowledgeAlerts } from '../../alerts/acknowledge-alerts';
import { addWebhook } from '../../alerts/add-webhook';
import { countOpenAlerts } from '../../alerts/count-open-alerts';
import { defaultChannel } from '../../alerts/default-channel';
import { findProjectId } from '../../alerts/find-project-id';
import { listAlerts } from '../../alerts/list-alerts';
import { listDeliveries } from '../../alerts/list-deliveries';
import { listProjects } from '../../projects/list-projects';
import { listWebhooks } from '../../alerts/list-webhooks';
import { removeWebhook } from '../../alerts/remove-webhook';
import { getRules } from '../../alerts/rules';
import { sendTestAlert } from '../../alerts/send-test-alert';
import { updateRules } from '../../alerts/update-rules';
import * as input from '../inputs';
import { changeProcedure, publicProcedure, router } from '../trpc';

const id = z.number({ error: 'must be an id (an integer)' }).int('must be an id (an integer)').positive('must be a positive id');
// Receivers are reached by POST from the server; only http(s), no credentials in the URL (they
// would be shown and logged like the rest of it: use the signing secret instead).
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2000, 'must be at most 2000 characters')
  .refine((u) => !/^https?:\/\/[^/?#]*@/i.test(u), 'must not contain a user name or password (use the signing secret)');
const alertKind = z.enum(['flagged', 'stalled', 'nonfinite_loss'], { error: 'must be one of flagged, stalled, nonfinite_loss' });
const seconds = z.number({ error: 'must be whole seconds' }).int('must be whole seconds');

export const alertsRouter = router({
  list: publicProcedure
    .input(
      z
        .strictObject({
          state: z.enum(['open', 'acknowledged', 'resolved', 'active'], { error: 'must be one of open, acknowledged, resolved, active' }).optional(),
          project: input.projectName.optional(),
          kind: alertKind.optional(),
          runId: input.runId.optional(),
          cursor: id.optional(),
          limit: z.number().int().min(1, 'must be ≥ 1').max(200, 'must be ≤ 200').optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => listAlerts(ctx.db.prisma, input ?? {})),

  /** Open alerts not yet acknowledged, for the nav badge. */
  count: publicProcedure.query(({ ctx }) => countOpenAlerts(ctx.db.prisma)),

  acknowledge: changeProcedure.input(z.strictObject({ id })).mutation(async ({ ctx, input }) => {
    await acknowledgeAlert(ctx.db, input.id, ctx.alerting.deps.now(), ctx.scope);
    return { ok: true as const };
  }),

  /** Open alerts by id (at most 500), or every open alert matching project, kind and run. */
  acknowledgeMany: changeProcedure
    .input(
      z.union(
        [
          z.strictObject({ ids: z.array(id).min(1, 'must name at least one alert').max(500, 'at most 500 ids; acknowledge by filter instead') }),
          z.strictObject({ project: input.projectName.optional(), kind: alertKind.optional(), runId: input.runId.optional() }),
        ],
        { error: 'must be { ids } or a filter { project?, kind?, runId? }' },
      ),
    )
    .mutation(({ ctx, input }) => acknowledgeAlerts(ctx.db, input, ctx.alerting.deps.now(), ctx.scope)),

  projects: publicProcedure.query(({ ctx }) => listProjects(ctx.db.prisma)),

  rules: publicProcedure.input(z.strictObject({ project: input.projectName })).query(async ({ ctx, input }) => getRules(ctx.db.prisma, await findProjectId(ctx.db.prisma, input.project))),

  setRules: changeProcedure
    .input(
      z.strictObject({
        project: input.projectName,
        causes: z.array(z.enum(CAUSES, { error: `must be cause codes: ${CAUSES.join(', ')}` })).optional(),
        stallSeconds: seconds.min(10, 'must be ≥ 10 s').max(7 * 86400, 'must be ≤ 7 days').optional(),
        quietSeconds: seconds.min(0, 'must be ≥ 0').max(86400, 'must be ≤ 1 day').optional(),
        nonfiniteLoss: z.boolean({ error: 'must be true or false' }).optional(),
      }),
    )
    .mutation(async ({ ctx, input: { project, ...patch } }) => {
      const rules = await updateRules(ctx.alerting.deps, project, patch, ctx.scope);
      ctx.alerting.nudge();
      return rules;
    }),

  webhooks: publicProcedure.input(z.strictObject({ project: input.projectName })).query(({ ctx, input }) => listWebhooks(ctx.db.prisma, input.project)),

  /** LRSCOPE_WEBHOOK_URL, which every project sends to; null when unset. */
  defaultChannel: publicProcedure.query(({ ctx }) => defaultChannel(ctx.alerting.deps.settings)),

  addWebhook: changeProcedure
    .input(z.strictObject({ project: input.projectName, url: webhookUrl, secret: z.string().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters').optional() }))
    .mutation(({ ctx, input }) => addWebhook(ctx.db.prisma, input.project, input.url, input.secret, ctx.scope)),

  removeWebhook: changeProcedure.input(z.strictObject({ id })).mutation(async ({ ctx, input }) => {
    await removeWebhook(ctx.db.prisma, input.id, ctx.scope);
    return { ok: true as const };
  }),

  sendTest: changeProcedure.input(z.strictObject({ project: input.projectName })).mutation(async ({ ctx, input }) => {
    const result = await sendTestAlert(ctx.alerting.deps, input.project, ctx.scope);
    ctx.alerting.nudge();
    return result;
  }),

  /** A project's latest webhook deliveries, or the given ones (a test alert's). */
  deliveries: publicProcedure
    .input(z.strictObject({ project: input.projectName, ids: z.array(id).max(50, 'at most 50 ids').optional(), limit: z.number().int().min(1, 'must be ≥ 1').max(100, 'must be ≤ 100').optional() }))
    .query(({ ctx, input }) => listDeliveries(ctx.db.prisma, input, ctx.alerting.deps.settings.webhookUrl)),
});
