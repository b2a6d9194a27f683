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
import { combineVerdicts } from '@/lib/optimizers/combine-verdicts';
import { asOptimizer, type PointOptimizers } from '@/lib/optimizers/optimizer-points';
import { verdictTracks, type VerdictTrack } from '@/lib/optimizers/run-optimizers';
import { noScheduleVerdict, type Verdict } from '@/lib/verdict';
import type { Db } from '../db/open-database';
import type { PointInput } from '../db/point-store';

type Detector = ReturnType<typeof createDetector>;

interface Entry {
  /** One per verdict track; null for an optimizer without a schedule. */
  detectors: (Detector | null)[];
  /** Last batch folded into the detectors. */
  batch: number;
  /** Each track's schedule, and the stepsPerEpoch, cadence and planned length its detector was built for. */
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
    // One detector per optimizer (one for a run with a single optimizer), each on its own
    // schedule, cadence and LR series, through the one input path.
    const tracks = verdictTracks(run);
    let expectedLr: number | null = null;
    let verdicts: Verdict[];
    if (tracks.every((t) => !t.schedule)) {
      verdicts = tracks.map(() => noScheduleVerdict());
    } else {
      const settings = tracks.map((t) => t.schedule && { schedule: t.schedule, stepsPerEpoch: run.stepsPerEpoch, config: run.config, cadence: t.cadence ?? null });
      const options = settings.map((s) => s && detectorOptions(s, compiledSchedule));
      const key = JSON.stringify([tracks.map((t) => t.schedule), options.map((o) => o && [o.stepsPerEpoch, o.cadence, o.plannedSteps])]);
      let entry = entries.get(runId);
      if (entry && entry.key === key && entry.batch >= batch) {
        // A rebuild after this batch committed already read it.
      } else if (entry && entry.key === key && entry.batch === batch - 1 && exact) {
        tracks.forEach((t, i) => entry!.detectors[i]?.add(detectorPoints(points.map((p) => forTrack(p, t)))));
        entry.batch = batch;
      } else {
        const stored = await db.points.lrPoints(runId);
        // Read after this batch committed: it holds every batch up to this one, also a batch of
        // metrics only, which wrote no point rows.
        const lastBatch = stored.reduce((m, p) => Math.max(m, p.batch), batch);
        // ReduceLROnPlateau is replayed on the values its scheduler.step(metric) calls were given.
        const given: RunPoint[] = settings.some((s) => s && usesSchedulerMetric(s))
          ? (await db.points.metricSeries(runId, SCHEDULER_METRIC, { from: 0, to: LIMITS.maxStep }, 1)).map((m) => ({ step: m.step, metrics: { [SCHEDULER_METRIC]: m.value } }))
          : [];
        const detectors = tracks.map((t, i) => {
          const s = settings[i];
          if (!s) return null;
          // The store's rows as they are for a run with one optimizer (no copy of a long run).
          const all: RunPoint[] = t.optimizer === null ? stored : stored.map((p) => forTrack(p, t));
          if (usesSchedulerMetric(s)) all.push(...given);
          const detector = createDetector(options[i]!);
          detector.add(detectorPoints(all));
          return detector;
        });
        entry = { detectors, batch: lastBatch, key };
      }
      remember(runId, entry);
      verdicts = entry.detectors.map((d) => d?.verdict() ?? noScheduleVerdict());
      // "Expected LR now" is the first optimizer's, as the run's own lr is.
      const first = tracks[0];
      if (run.lastStep !== null && first.schedule) {
        const schedule = options[0]!.schedule;
        // A verifiable schedule's formula holds past its end too (PyTorch raises there); a plateau replay is read from the store.
        expectedLr = schedule.verifiable
          ? (expectedLrAtStep(schedule, run.stepsPerEpoch)?.(run.lastStep) ?? null)
          : ((await expectedAt(db, runId, { schedule: first.schedule, stepsPerEpoch: run.stepsPerEpoch, cadence: first.cadence ?? null }))?.(run.lastStep) ?? null);
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

/** A point as the track's optimizer saw it: its lr, lrs and schedulerStep. */
function forTrack<P extends RunPoint & { optimizers?: PointOptimizers | null }>(p: P, track: VerdictTrack): P {
  return track.optimizer === null ? p : asOptimizer(p, track.optimizer, track.first);
}
