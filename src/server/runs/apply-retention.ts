import type { AlertDeps } from '../alerts/deps';
import { syncRunAlerts } from '../alerts/sync-run-alerts';
import { policyOf } from '../projects/retention';
import { deleteRun, purgeOnce } from './delete-run';

/** Runs handled per project and sweep: a backlog (a policy just set on a year of runs) drains over a few sweeps instead of holding one. */
const PER_SWEEP = 20;

/**
 * Applies each project's retention policy: finished or crashed runs that ended more than the
 * policy's days ago are archived or deleted (deletes go in chunks, like runs.delete). Runs on the
 * alert sweep's timer. Returns the runs it changed.
 */
export async function applyRetention(deps: AlertDeps): Promise<number[]> {
  const { prisma, live } = deps.db;
  const now = deps.now();
  const projects = await prisma.project.findMany({ where: { retentionDays: { not: null } }, select: { id: true, retentionDays: true, retentionAction: true } });
  const changed: number[] = [];
  for (const project of projects) {
    const policy = policyOf(project)!;
    const cutoff = new Date(now.getTime() - policy.days * 86_400_000);
    const runs = await prisma.run.findMany({
      where: {
        projectId: project.id,
        status: { in: ['finished', 'crashed'] },
        finishedAt: { lt: cutoff },
        deletedAt: null,
        ...(policy.action === 'archive' && { archivedAt: null }),
      },
      select: { id: true },
      orderBy: { finishedAt: 'asc' },
      take: PER_SWEEP,
    });
    for (const { id } of runs) {
      if (policy.action === 'delete') {
        await deleteRun(deps.db, null, id, now);
        // One run's rows at a time: a backlog of deletes must not add up to a storm.
        await purgeOnce(deps.db, id);
      } else {
        await prisma.run.updateMany({ where: { id, archivedAt: null }, data: { archivedAt: now } });
        await syncRunAlerts(deps, id);
        live.publish({ type: 'run', runId: id });
      }
      changed.push(id);
    }
  }
  return changed;
}
