import type { AlertKind } from '@/lib/alerts/webhook-body';
import type { AlertDeps } from './deps';
import { alertFacts, runFacts } from './alert-facts';
import { enqueueNotifications } from './enqueue-notifications';
import { openKey } from './raise-alert';

/** Resolves the open alert of a run and kind, if any; notifies where the raise was notified. */
export async function resolveAlert(deps: AlertDeps, runId: number, kind: AlertKind): Promise<number | null> {
  const { prisma } = deps.db;
  const key = openKey(runId, kind);
  const open = await prisma.alert.findUnique({ where: { openKey: key } });
  if (!open) return null;
  const now = deps.now();
  const resolved = await prisma.$transaction(async (tx) => {
    // Compare-and-set on openKey: of two instances resolving at once, one wins.
    const { count } = await tx.alert.updateMany({ where: { id: open.id, openKey: key }, data: { state: 'resolved', resolvedAt: now, openKey: null } });
    if (count === 0) return null;
    // A raise kept quiet (quiet period, or no channel yet) resolves quietly too.
    if (open.notifiedAt) await enqueueNotifications(tx, deps, open.projectId, 'resolved', alertFacts(open), await runFacts(tx, runId));
    return open.id;
  });
  if (resolved !== null) deps.db.live.publish({ type: 'alert', alertId: resolved, runId });
  return resolved;
}
