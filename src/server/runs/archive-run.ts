import type { Alerting } from '../alerts/alerting';
import type { Db } from '../db/open-database';
import type { ChangeScope } from '../alerts/scope';
import { findWritableRun } from './find-writable-run';

/**
 * Hides a run from the runs table (a filter shows it) and silences it: its open alerts are
 * resolved and it raises none while archived. `archived: false` brings it back.
 */
export async function archiveRun(db: Db, alerting: Alerting, scope: ChangeScope, runId: number, archived: boolean, now = new Date()): Promise<{ archivedAt: string | null }> {
  const run = await findWritableRun(db.prisma, scope, runId);
  // Archiving again keeps the first time, so retention and the table keep their order.
  const archivedAt = archived ? (run.archivedAt ?? now) : null;
  await db.prisma.run.update({ where: { id: runId }, data: { archivedAt } });
  await alerting.syncRun(runId);
  db.live.publish({ type: 'run', runId });
  return { archivedAt: archivedAt?.toISOString() ?? null };
}
