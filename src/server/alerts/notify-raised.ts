import type { AlertDeps } from './deps';
import { type AlertRow, alertFacts, runFacts } from './alert-facts';
import { enqueueNotifications } from './enqueue-notifications';
import type { Tx } from './tx';

/**
 * Queues the "raised" notifications of an open alert, unless an alert of the same run and kind
 * was notified within the quiet period (a problem that flaps must not page anyone every few
 * minutes). Returns whether anything was queued; notifiedAt records it for the quiet period
 * and for the resolve, which is only sent where the raise was.
 */
export async function notifyRaised(tx: Tx, deps: AlertDeps, alert: AlertRow & { projectId: number; runId: number }, quietSeconds: number): Promise<boolean> {
  const now = deps.now();
  const recent = await tx.alert.findFirst({
    where: { runId: alert.runId, kind: alert.kind, id: { not: alert.id }, notifiedAt: { gt: new Date(now.getTime() - quietSeconds * 1000) } },
    select: { id: true },
  });
  if (recent) return false;
  const queued = await enqueueNotifications(tx, deps, alert.projectId, 'raised', alertFacts(alert), await runFacts(tx, alert.runId));
  if (queued.length === 0) return false;
  await tx.alert.update({ where: { id: alert.id }, data: { notifiedAt: now } });
  return true;
}
