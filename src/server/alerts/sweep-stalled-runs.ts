import type { AlertDeps } from './deps';
import { DEFAULT_RULES } from './rules';
import { syncRunAlerts } from './sync-run-alerts';

/**
 * Marks running runs that have sent nothing for their project's stall timeout as stalled, and
 * alerts. Returns their ids. `upSince` is when this server started: while it was down no run
 * could report, so silence is only counted from then (a restart after an outage must not call
 * every live run stalled; their clients replay what they spooled).
 */
export async function sweepStalledRuns(deps: AlertDeps, upSince?: Date): Promise<number[]> {
  const { prisma } = deps.db;
  const now = deps.now().getTime();
  const custom = await prisma.alertRule.findMany({ select: { projectId: true, stallSeconds: true } });
  const timeout = new Map(custom.map((r) => [r.projectId, r.stallSeconds]));
  const shortest = Math.min(DEFAULT_RULES.stallSeconds, ...custom.map((r) => r.stallSeconds));
  const up = upSince?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (now - shortest * 1000 <= up) return [];
  const candidates = await prisma.run.findMany({
    where: { status: 'running', lastSeenAt: { lt: new Date(now - shortest * 1000) } },
    select: { id: true, projectId: true },
  });
  const stalled: number[] = [];
  for (const run of candidates) {
    const cutoff = now - (timeout.get(run.projectId) ?? DEFAULT_RULES.stallSeconds) * 1000;
    if (cutoff <= up) continue;
    // Conditional update: a batch that arrived meanwhile, or another instance's sweep, wins.
    const { count } = await prisma.run.updateMany({ where: { id: run.id, status: 'running', lastSeenAt: { lt: new Date(cutoff) } }, data: { status: 'stalled' } });
    if (count === 0) continue;
    stalled.push(run.id);
    await syncRunAlerts(deps, run.id);
    deps.db.live.publish({ type: 'run', runId: run.id });
  }
  return stalled;
}
