import type { Db } from '../db/open-database';
import { type AlertFilter, alertWhere } from './list-alerts';
import type { ChangeScope } from './scope';

/**
 * Acknowledges many open alerts at once: the given ids, or every open alert a filter matches
 * (project, kind, run). Each stays active until its condition clears. Returns how many changed.
 * An API key's scope reaches its own project's alerts only.
 */
export async function acknowledgeAlerts({ prisma, live }: Db, which: { ids: number[] } | Omit<AlertFilter, 'state'>, now = new Date(), scope: ChangeScope = null): Promise<{ acknowledged: number }> {
  const where = { ...('ids' in which ? { id: { in: which.ids } } : alertWhere(which)), state: 'open', ...(scope && { projectId: scope.projectId }) };
  const targets = await prisma.alert.findMany({ where, select: { id: true, runId: true } });
  if (targets.length === 0) return { acknowledged: 0 };
  // Conditional on still being open: one resolved meanwhile is not turned back into "acknowledged".
  const { count } = await prisma.alert.updateMany({ where: { id: { in: targets.map((t) => t.id) }, state: 'open' }, data: { state: 'acknowledged', acknowledgedAt: now } });
  for (const t of targets) live.publish({ type: 'alert', alertId: t.id, runId: t.runId });
  return { acknowledged: count };
}
