import type { Db } from '../db/open-database';
import type { LogFileProgress, PointInput, RunAtIngest } from '../db/point-store';
import type { Principal } from '../keys/authenticate';
import type { Alerting } from '../alerts/alerting';
import { SCHEDULER_METRIC } from '@/lib/detect/plateau';
import { LIMITS } from '../api/limits';
import { AppError } from '../errors';
import type { RunVerdicts } from './run-verdicts';
import { assertWritable } from './find-writable-run';

export interface LogPointsResult {
  accepted: number;
  duplicates: number;
}

/** Stores a batch (all or nothing, idempotent on run + step) and marks the run alive. */
export interface LogDeps {
  db: Db;
  verdicts: RunVerdicts;
  alerting: Alerting;
}

export async function logPoints({ db, verdicts, alerting }: LogDeps, principal: Principal, runId: number, points: PointInput[], now = new Date(), progress?: LogFileProgress): Promise<LogPointsResult> {
  // The checks run inside the batch's transaction (SQLite's write lock, PostgreSQL's lock on the
  // run row), on the run as it reads there: no Prisma query (~0.45 ms each) on the per-batch
  // path, and no other batch of the run between the check and the write.
  const admit = (run: RunAtIngest | undefined) => {
    assertWritable(principal, runId, run);
    if (run.pointCount + points.length > LIMITS.pointsPerRun) {
      throw new AppError('PAYLOAD_TOO_LARGE', `runId: run ${runId} holds ${run.pointCount} points; a run may hold at most ${LIMITS.pointsPerRun} (log every Nth step, or start a new run)`);
    }
    const names = new Set(run.metricNames ?? []);
    for (const p of points) if (p.metrics) for (const n in p.metrics) names.add(n);
    if (names.size > LIMITS.metricNamesPerRun) {
      throw new AppError('BAD_REQUEST', `points: a run may log at most ${LIMITS.metricNamesPerRun} distinct metric names; this batch would make it ${names.size}`);
    }
  };
  const { accepted, duplicates, batch, lateMetrics } = await db.points.logPoints(runId, points, now, admit, progress);
  // Of the metrics added to stored steps, only the values passed to scheduler.step() (which may
  // arrive after their step) can change a verdict: ReduceLROnPlateau is replayed on them.
  const replayInput = lateMetrics > 0 && points.some((p) => p.metrics?.[SCHEDULER_METRIC] !== undefined);
  if (accepted > 0 || replayInput) {
    if (accepted > 0) db.live.publish({ type: 'points', runId, batch });
    // The batch is committed: the reply says so even if the database goes away now. A verdict
    // that could not be updated is retried (RunVerdicts.retryFailed), and the alert sweep
    // reconciles alerts with verdicts.
    try {
      await verdicts.afterBatch(runId, batch, points, duplicates === 0);
      await alerting.syncRun(runId, { latestLossNonFinite: latestLossNonFinite(points) });
    } catch (err) {
      console.error(`lrscope: run ${runId}: batch ${batch} stored, but its verdict could not be updated yet (${(err as Error).message}); retrying in the background`);
    }
  }
  db.live.publish({ type: 'run', runId });
  return { accepted, duplicates };
}

/** Whether the loss at the batch's highest step is NaN or infinite; undefined when that point has no loss. */
function latestLossNonFinite(points: PointInput[]): boolean | undefined {
  let top = points[0];
  for (const p of points) if (p.step > top.step) top = p;
  return top.loss === undefined ? undefined : !Number.isFinite(top.loss);
}
