import type { AlertKind } from '@/lib/alerts/webhook-body';
import type { AlertDeps } from './deps';
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
    if (open.notifiedAt) {
      const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { name: true, project: { select: { name: true } } } });
      await enqueueNotifications(
        tx,
        deps,
        open.projectId,
        'resolved',
        { id: open.id, kind, cause: (open.cause as never) ?? null, message: open.message, step: open.step, expected: open.expected, actual: open.actual },
        { id: runId, name: run.name, project: run.project.name },
      );
    }
    return open.id;
  });
  if (resolved !== null) deps.db.live.publish({ type: 'alert', alertId: resolved, runId });
  return resolved;
}
