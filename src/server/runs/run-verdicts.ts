// Keeps each live run's verdict current as batches arrive. The detector is incremental, so a
// batch costs time proportional to the batch; detectors are held per run in a bounded LRU and
// rebuilt from the store whenever this process missed a batch (another instance took it, a
// restart, duplicates, a new schedule), so the cached state never drifts from the database.
import { isDeepStrictEqual } from 'node:util';
import { createDetector, type LoggedPoint } from '@/lib/detect';
import { recordsSchedulerMetric, SCHEDULER_METRIC } from '@/lib/detect/plateau';
import { LIMITS } from '../api/limits';
import { expectedLrAtStep } from '@/lib/expected-lr';
import { plannedSteps } from '@/lib/planned-steps';
import { compiledSchedule } from './compiled-schedule';
import { expectedAt } from './expected-at';
import { combineVerdicts } from '@/lib/optimizers/combine-verdicts';
import { asOptimizer, type PointOptimizers } from '@/lib/optimizers/optimizer-points';
import { verdictTracks, type VerdictTrack } from '@/lib/optimizers/run-optimizers';
import { noScheduleVerdict, type Verdict } from '@/lib/verdict';
import type { Db } from '../db/open-database';
import type { LrPoint, PointInput } from '../db/point-store';

type Detector = ReturnType<typeof createDetector>;

interface Entry {
  /** One per verdict track; null for an optimizer without a schedule. */
  detectors: (Detector | null)[];
  /** Last batch folded into the detectors. */
  batch: number;
  /** Tracks (schedules, cadences), stepsPerEpoch and planned length the detectors were built for. */
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
    // One detector per optimizer (one for a run with a single optimizer), each on its own schedule and LR series.
    const tracks = verdictTracks(run);
    let expectedLr: number | null = null;
    let verdicts: Verdict[];
    if (tracks.every((t) => !t.schedule)) {
      verdicts = tracks.map(() => noScheduleVerdict());
    } else {
      const planned = plannedSteps(run.config, run.stepsPerEpoch);
      const key = JSON.stringify([tracks, run.stepsPerEpoch, planned]);
      let entry = entries.get(runId);
      if (entry && entry.key === key && entry.batch >= batch) {
        // A rebuild after this batch committed already read it.
      } else if (entry && entry.key === key && entry.batch === batch - 1 && exact) {
        tracks.forEach((t, i) => entry!.detectors[i]?.add(points.map((p) => forTrack(toLogged(p), p.optimizers, t))));
        entry.batch = batch;
      } else {
        const stored = await db.points.lrPoints(runId);
        // ReduceLROnPlateau is replayed on the values its scheduler.step(metric) calls were given.
        const given = tracks.some((t) => t.schedule && recordsSchedulerMetric(t.schedule, t.cadence))
          ? await db.points.metricSeries(runId, SCHEDULER_METRIC, { from: 0, to: LIMITS.maxStep }, 1)
          : [];
        const detectors = tracks.map((t) => {
          if (!t.schedule) return null;
          const logged = stored.map((p) => forTrack(fromStored(p), p.optimizers, t));
          if (recordsSchedulerMetric(t.schedule, t.cadence)) logged.push(...given.map((m) => ({ step: m.step, schedulerMetric: m.value })));
          const detector = createDetector({ schedule: compiledSchedule(t.schedule), stepsPerEpoch: run.stepsPerEpoch ?? undefined, cadence: t.cadence, plannedSteps: planned });
          detector.add(logged);
          return detector;
        });
        // Read after this batch committed: it holds every batch up to this one, also a batch of
        // metrics only, which wrote no point rows.
        entry = { detectors, batch: stored.reduce((m, p) => Math.max(m, p.batch), batch), key };
      }
      remember(runId, entry);
      verdicts = entry.detectors.map((d) => d?.verdict() ?? noScheduleVerdict());
      // "Expected LR now" is the first optimizer's, as the run's own lr is.
      const first = tracks[0];
      if (run.lastStep !== null && first.schedule) {
        const schedule = compiledSchedule(first.schedule);
        // A verifiable schedule's formula holds past its end too (PyTorch raises there); a plateau replay is read from the store.
        expectedLr = schedule.verifiable
          ? (expectedLrAtStep(schedule, run.stepsPerEpoch)?.(run.lastStep) ?? null)
          : ((await expectedAt(db, runId, { schedule: first.schedule, stepsPerEpoch: run.stepsPerEpoch, cadence: first.cadence }))?.(run.lastStep) ?? null);
      }
    }
    const verdict = tracks[0].optimizer === null ? verdicts[0] : combineVerdicts(tracks.map((t, i) => [t.optimizer!, verdicts[i]] as const));
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

/** A point as the track's optimizer saw it. */
function forTrack(p: LoggedPoint, optimizers: PointOptimizers | null | undefined, track: VerdictTrack): LoggedPoint {
  return track.optimizer === null ? p : asOptimizer({ ...p, optimizers }, track.optimizer, track.first);
}

function toLogged(p: PointInput): LoggedPoint {
  return { step: p.step, epoch: p.epoch, lr: p.lr, lrs: p.lrs, loss: p.loss, schedulerMetric: p.metrics?.[SCHEDULER_METRIC], schedulerStep: p.schedulerStep };
}

function fromStored(p: LrPoint): LoggedPoint {
  return { step: p.step, epoch: p.epoch ?? undefined, lr: p.lr ?? undefined, lrs: p.lrs ?? undefined, loss: p.loss ?? undefined, schedulerStep: p.schedulerStep ?? undefined };
}
