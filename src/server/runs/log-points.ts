import type { Db } from '../db/open-database';
import type { LogFileProgress, PointInput, RunAtIngest } from '../db/point-store';
import type { Principal } from '../keys/authenticate';
import type { Alerting } from '../alerts/alerting';
import { SCHEDULER_METRIC } from '@/lib/detect/plateau';
import { loggedOptimizers, MAX_OPTIMIZERS, withOptimizerSeries } from '@/lib/optimizers/optimizer-points';
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

export async function logPoints({ db, verdicts, alerting }: LogDeps, principal: Principal, runId: number, batchPoints: PointInput[], now = new Date(), progress?: LogFileProgress): Promise<LogPointsResult> {
  // Each optimizer's LR is stored as a series of its own ("lr:<name>"), beside the metrics.
  const points = withOptimizerSeries(batchPoints);
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
    const optimizers = loggedOptimizers([...names]);
    if (optimizers.length > MAX_OPTIMIZERS) {
      throw new AppError('BAD_REQUEST', `points: a run may log at most ${MAX_OPTIMIZERS} optimizers; this batch would make it ${optimizers.length} (${optimizers.join(', ')})`);
    }
  };
  const { accepted, duplicates, batch, lateMetrics, lateOptimizers } = await db.points.logPoints(runId, points, now, admit, progress);
  // Of the metrics added to stored steps, only the values passed to scheduler.step() (which may
  // arrive after their step) can change a verdict: ReduceLROnPlateau is replayed on them. So can
  // an optimizer's values added to a stored step.
  const replayInput = (lateMetrics > 0 && points.some((p) => p.metrics?.[SCHEDULER_METRIC] !== undefined)) || lateOptimizers > 0;
  if (accepted > 0 || replayInput) {
    if (accepted > 0) db.live.publish({ type: 'points', runId, batch });
    // The batch is committed: the reply says so even if the database goes away now. A verdict
    // that could not be updated is retried (RunVerdicts.retryFailed), and the alert sweep
    // reconciles alerts with verdicts.
    try {
      await verdicts.afterBatch(runId, batch, points, duplicates === 0);
      await alerting.syncRun(runId, lossHints(points));
    } catch (err) {
      console.error(`lrscope: run ${runId}: batch ${batch} stored, but its verdict could not be updated yet (${(err as Error).message}); retrying in the background`);
    }
  }
  db.live.publish({ type: 'run', runId });
  return { accepted, duplicates };
}

/**
 * Whether the loss at the batch's highest step is NaN or infinite (undefined when that point has no
 * loss), and if so the first step of the batch's trailing run of such losses: where it went wrong.
 */
function lossHints(points: PointInput[]): { latestLossNonFinite?: boolean; nonFiniteLossStep?: number } {
  const withLoss = points.filter((p) => p.loss !== undefined).sort((a, b) => a.step - b.step);
  let top = points[0];
  for (const p of points) if (p.step > top.step) top = p;
  if (top.loss === undefined) return {};
  if (Number.isFinite(top.loss)) return { latestLossNonFinite: false };
  let i = withLoss.length - 1;
  while (i > 0 && !Number.isFinite(withLoss[i - 1].loss)) i--;
  return { latestLossNonFinite: true, nonFiniteLossStep: withLoss[i].step };
}
