// Keeps each live run's verdict current as batches arrive. The detector is incremental, so a
// batch costs time proportional to the batch; detectors are held per run in a bounded LRU and
// rebuilt from the store whenever this process missed a batch (another instance took it, a
// restart, duplicates, a new schedule), so the cached state never drifts from the database.
import { isDeepStrictEqual } from 'node:util';
import { createDetector, detectorOptions, detectorPoints, usesSchedulerMetric, type RunPoint } from '@/lib/detect';
import { SCHEDULER_METRIC } from '@/lib/detect/plateau';
import { LIMITS } from '../api/limits';
import { expectedLrAtStep } from '@/lib/expected-lr';
import { compiledSchedule } from './compiled-schedule';
import { expectedAt } from './expected-at';
import type { ScheduleSpec } from '@/lib/schedules/types';
import { noScheduleVerdict, type ObservedCadence, type Verdict } from '@/lib/verdict';
import type { Db } from '../db/open-database';
import type { PointInput } from '../db/point-store';

type Detector = ReturnType<typeof createDetector>;

interface Entry {
  detector: Detector;
  /** Last batch folded into the detector. */
  batch: number;
  /** Schedule, stepsPerEpoch, cadence and planned length the detector was built for. */
  key: string;
}

export interface RunVerdicts {
  /** Folds a committed batch into the run's verdict and stores it when it changed. */
  afterBatch(runId: number, batch: number, points: PointInput[], exact: boolean): Promise<Verdict>;
  /** Re-evaluates a run from the store (created, or its schedule or cadence changed). */
  refresh(runId: number): Promise<Verdict>;
  /**
   * Re-evaluates the runs whose last evaluation failed (the database went away after a batch
   * committed), so no verdict stays behind its points. Returns the runs still failing.
   */
  retryFailed(): Promise<number[]>;
}

export function createRunVerdicts(db: Db, capacity = 1000): RunVerdicts {
  const entries = new Map<number, Entry>();
  const locks = new Map<number, Promise<unknown>>();
  const failed = new Set<number>();

  // Batches of one run are folded in commit order, one at a time. A failed evaluation forgets the
  // run's detector (the next one rebuilds from the store) and leaves the run to retryFailed.
  const serialised = <T>(runId: number, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(runId) ?? Promise.resolve();
    const next = prev.then(fn, fn).then(
      (v) => {
        failed.delete(runId);
        return v;
      },
      (err: unknown) => {
        entries.delete(runId);
        failed.add(runId);
        throw err;
      },
    );
    locks.set(runId, next);
    const settled = () => {
      if (locks.get(runId) === next) locks.delete(runId);
    };
    next.then(settled, settled);
    return next;
  };

  const refresh = (runId: number) =>
    serialised(runId, () => {
      entries.delete(runId);
      return evaluate(runId, 0, [], false);
    });

  const remember = (runId: number, entry: Entry) => {
    entries.delete(runId);
    entries.set(runId, entry);
    if (entries.size > capacity) entries.delete(entries.keys().next().value!);
  };

  const evaluate = async (runId: number, batch: number, points: PointInput[], exact: boolean): Promise<Verdict> => {
    // Read through the store (a prepared statement), not Prisma: this runs after every batch.
    const run = await db.points.verdictInputs(runId);
    if (!run) throw new Error(`run ${runId} vanished`);
    const spec = run.schedule as ScheduleSpec | null;
    let verdict: Verdict;
    let expectedLr: number | null = null;
    if (!spec) {
      verdict = noScheduleVerdict();
    } else {
      const settings = { schedule: spec, stepsPerEpoch: run.stepsPerEpoch, config: run.config, cadence: run.cadence as ObservedCadence | null };
      const options = detectorOptions(settings, compiledSchedule);
      const schedule = options.schedule;
      const key = JSON.stringify([spec, options.stepsPerEpoch, options.cadence, options.plannedSteps]);
      let entry = entries.get(runId);
      if (entry && entry.key === key && entry.batch >= batch) {
        // A rebuild after this batch committed already read it.
      } else if (entry && entry.key === key && entry.batch === batch - 1 && exact) {
        entry.detector.add(detectorPoints(points));
        entry.batch = batch;
      } else {
        const stored = await db.points.lrPoints(runId);
        // Read after this batch committed: it holds every batch up to this one, also a batch of
        // metrics only, which wrote no point rows.
        const lastBatch = stored.reduce((m, p) => Math.max(m, p.batch), batch);
        const all: RunPoint[] = stored;
        // ReduceLROnPlateau is replayed on the values its scheduler.step(metric) calls were given.
        if (usesSchedulerMetric(settings)) {
          const given = await db.points.metricSeries(runId, SCHEDULER_METRIC, { from: 0, to: LIMITS.maxStep }, 1);
          all.push(...given.map((m) => ({ step: m.step, metrics: { [SCHEDULER_METRIC]: m.value } })));
        }
        const detector = createDetector(options);
        detector.add(detectorPoints(all));
        entry = { detector, batch: lastBatch, key };
      }
      remember(runId, entry);
      verdict = entry.detector.verdict();
      if (run.lastStep !== null) {
        // A verifiable schedule's formula holds past its end too (PyTorch raises there); a plateau replay is read from the store.
        expectedLr = schedule.verifiable ? (expectedLrAtStep(schedule, run.stepsPerEpoch)?.(run.lastStep) ?? null) : ((await expectedAt(db, runId, run))?.(run.lastStep) ?? null);
      }
    }
    // Compared as JSON values, not strings: PostgreSQL's jsonb hands keys back in its own order.
    if (expectedLr !== run.expectedLr || !isDeepStrictEqual(JSON.parse(JSON.stringify(verdict)), run.verdict)) {
      await db.points.saveVerdict(runId, { verdict, verdictKind: verdict.kind, flagged: verdict.flagged, expectedLr });
    }
    return verdict;
  };

  return {
    afterBatch: (runId, batch, points, exact) => serialised(runId, () => evaluate(runId, batch, points, exact)),
    refresh,
    async retryFailed() {
      for (const runId of [...failed]) await refresh(runId).catch(() => {});
      return [...failed];
    },
  };
}
