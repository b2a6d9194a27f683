import { type AlertEvent, type AlertFacts, type RunFacts, webhookBody } from '@/lib/alerts/webhook-body';
import type { AlertDeps } from './deps';
import { signBody } from './sign';

type Tx = Parameters<Parameters<AlertDeps['db']['prisma']['$transaction']>[0]>[0];

/** Queues one delivery per channel of the project (and the environment's default channel). */
export async function enqueueNotifications(
  tx: Tx,
  deps: AlertDeps,
  projectId: number,
  event: AlertEvent,
  alert: AlertFacts,
  run: RunFacts,
): Promise<number> {
  const channels = await tx.webhookChannel.findMany({ where: { projectId, enabled: true }, select: { id: true, url: true, secret: true } });
  const targets: { channelId: number | null; url: string; secret: string }[] = channels.map((c) => ({ channelId: c.id, url: c.url, secret: c.secret }));
  if (deps.settings.webhookUrl) targets.push({ channelId: null, url: deps.settings.webhookUrl, secret: deps.settings.webhookSecret ?? '' });
  if (targets.length === 0) return 0;
  const body = JSON.stringify(webhookBody(event, alert, run, deps.settings.publicUrl));
  const now = deps.now();
  for (const t of targets) {
    await tx.alertDelivery.create({
      data: { projectId, alertId: alert.id, channelId: t.channelId, url: t.url, event, body, signature: signBody(t.secret, body), nextAttemptAt: now, createdAt: now },
    });
  }
  return targets.length;
}
