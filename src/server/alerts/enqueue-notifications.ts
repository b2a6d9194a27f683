import { type AlertEvent, type AlertFacts, type RunFacts, webhookBody } from '@/lib/alerts/webhook-body';
import type { AlertDeps } from './deps';
import { signBody } from './sign';
import type { Tx } from './tx';

/**
 * Queues one delivery per enabled channel of the project, plus the environment's default
 * channel, in the caller's transaction (an outbox: the alert change and its notifications
 * commit together, so a restart neither loses nor repeats them). Returns the deliveries' ids.
 */
export async function enqueueNotifications(tx: Tx, deps: AlertDeps, projectId: number, event: AlertEvent, alert: AlertFacts, run: RunFacts): Promise<number[]> {
  const channels = await tx.webhookChannel.findMany({ where: { projectId, enabled: true }, select: { id: true, url: true, secret: true }, orderBy: { id: 'asc' } });
  const targets: { channelId: number | null; url: string; secret: string }[] = channels.map((c) => ({ channelId: c.id, url: c.url, secret: c.secret }));
  if (deps.settings.webhookUrl) targets.push({ channelId: null, url: deps.settings.webhookUrl, secret: deps.settings.webhookSecret ?? '' });
  if (targets.length === 0) return [];
  // Every channel gets the same bytes; only the signature differs.
  const body = JSON.stringify(webhookBody(event, alert, run, deps.settings.publicUrl));
  const now = deps.now();
  const ids: number[] = [];
  for (const t of targets) {
    const row = await tx.alertDelivery.create({
      data: { projectId, alertId: alert.id, channelId: t.channelId, url: t.url, event, body, signature: signBody(t.secret, body), nextAttemptAt: now, createdAt: now },
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}
