import type { Db } from '../db/open-database';
import { AppError } from '../errors';
import { type ChangeScope, checkScope } from './scope';

/** Acknowledges an open alert: someone is on it. It stays active until its condition clears. */
export async function acknowledgeAlert({ prisma, live }: Db, id: number, now = new Date(), scope: ChangeScope = null): Promise<void> {
  const alert = await prisma.alert.findUnique({ where: { id }, select: { state: true, runId: true, projectId: true } });
  if (!alert) throw new AppError('NOT_FOUND', `id: no alert ${id}`);
  checkScope(scope, alert.projectId, 'id');
  if (alert.state === 'resolved') throw new AppError('CONFLICT', `id: alert ${id} is already resolved`);
  const { count } = await prisma.alert.updateMany({ where: { id, state: 'open' }, data: { state: 'acknowledged', acknowledgedAt: now } });
  if (count > 0) live.publish({ type: 'alert', alertId: id, runId: alert.runId });
}
