import type { AlertDeps } from './deps';
import { notifyRaised } from './notify-raised';
import { getRules } from './rules';

/** Quiet periods are at most a day (the API's limit); a little slack for a server that was down. */
const HORIZON_MS = 2 * 86_400_000;

/**
 * Sends the raise of an alert that the quiet period held back, once that period is over and the
 * alert is still open (not acknowledged): flapping pages once per quiet period, and a problem
 * that came back and stayed is not kept secret forever. An alert that was never notified because
 * the project had no channel at the time stays quiet. Returns the alerts it notified.
 */
export async function notifyQuietedAlerts(deps: AlertDeps): Promise<number[]> {
  const { prisma } = deps.db;
  const now = deps.now().getTime();
  const held = await prisma.alert.findMany({
    where: { state: 'open', openKey: { not: null }, notifiedAt: null, openedAt: { gte: new Date(now - HORIZON_MS) } },
    orderBy: { id: 'asc' },
    take: 100,
  });
  const notified: number[] = [];
  for (const alert of held) {
    const previous = await prisma.alert.findFirst({
      where: { runId: alert.runId, kind: alert.kind, id: { lt: alert.id }, notifiedAt: { not: null } },
      orderBy: { notifiedAt: 'desc' },
      select: { notifiedAt: true },
    });
    if (!previous?.notifiedAt) continue;
    const { quietSeconds } = await getRules(prisma, alert.projectId);
    const quietEnds = previous.notifiedAt.getTime() + quietSeconds * 1000;
    const heldBack = quietEnds > alert.openedAt.getTime();
    if (!heldBack || now < quietEnds) continue;
    // Conditional on the alert still being open and unnotified: another instance may be here too.
    const sent = await prisma.$transaction(async (tx) => {
      const { count } = await tx.alert.updateMany({ where: { id: alert.id, state: 'open', notifiedAt: null }, data: { notifiedAt: new Date(now) } });
      return count > 0 && notifyRaised(tx, deps, alert, quietSeconds);
    });
    if (sent) notified.push(alert.id);
  }
  return notified;
}
