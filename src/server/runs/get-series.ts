import { bucketWidth, downsample, type Bucket } from '@/lib/downsample';
import { expectedSeriesName, optimizerSeries } from '@/lib/optimizers/optimizer-points';
import type { RunOptimizer } from '@/lib/optimizers/run-optimizers';
import type { Db } from '../db/open-database';
import { coverRange, mergeParts, planSeries } from '../db/rollup';
import { AppError } from '../errors';
import { expectedAt } from './expected-at';

export interface SeriesInput {
  runId: number;
  /**
   * lr, loss, expected_lr, epoch, time (for x axes), a logged metric's name, or for a run with
   * several optimizers "lr:<optimizer>" and "expected_lr:<optimizer>".
   */
  metric: string;
  maxPoints?: number;
  fromStep?: number;
  toStep?: number;
}

export interface Series {
  points: Bucket[];
  /** Steps per bucket (1 = raw points). */
  bucket: number;
}

const SERIES_RUN = { lastStep: true, pointCount: true, metricNames: true, schedule: true, stepsPerEpoch: true, cadence: true, optimizers: true } as const;

/** What drawing a run's series needs to know of the run: read once for however many series. */
export type SeriesRun = NonNullable<Awaited<ReturnType<typeof findSeriesRun>>>;

function findSeriesRun(db: Db, runId: number) {
  return db.prisma.run.findUnique({ where: { id: runId }, select: SERIES_RUN });
}

export async function loadSeriesRun(db: Db, runId: number): Promise<SeriesRun> {
  const run = await findSeriesRun(db, runId);
  if (!run) throw new AppError('NOT_FOUND', `runId: no run ${runId}`);
  return run;
}

export async function getSeries(db: Db, input: SeriesInput): Promise<Series> {
  return seriesOfRun(db, await loadSeriesRun(db, input.runId), input);
}

/** One series of a run already read (loadSeriesRun). */
export async function seriesOfRun(db: Db, run: SeriesRun, input: SeriesInput): Promise<Series> {
  const names = (run.metricNames as string[] | null) ?? [];
  // Each declared optimizer's expected LR; its logged LR ("lr:<name>") is among the metric names.
  const declared = (run.optimizers as RunOptimizer[] | null) ?? [];
  const optimizers = declared.filter((o) => o.schedule);
  const expectedNames = optimizers.map((o) => expectedSeriesName(o.name));
  if (!BUILT_IN.includes(input.metric) && !names.includes(input.metric) && !expectedNames.includes(input.metric)) {
    const known = ['lr', 'loss', 'expected_lr', ...expectedNames, ...names].join(', ');
    throw new AppError('NOT_FOUND', `metric: run ${input.runId} has no metric "${input.metric}" (it has ${known})`);
  }
  if (run.lastStep === null) return { points: [], bucket: 1 };
  const from = input.fromStep ?? 0;
  const to = Math.min(input.toStep ?? run.lastStep, run.lastStep);
  if (to < from) return { points: [], bucket: 1 };
  const asked = bucketWidth(from, to, input.maxPoints ?? 2000);
  const range = { from, to };
  // Points in range, assuming they spread evenly over the run's steps.
  const rows = (run.pointCount * (to - from + 1)) / (run.lastStep + 1);
  const plan = planSeries(asked, rows);
  const width = plan.mode === 'raw' ? asked : plan.width;
  const { metric, runId } = input;
  const optimizer = optimizerSeries(metric);
  if (metric === 'expected_lr' || optimizer?.kind === 'expected_lr') {
    // The run's own expected_lr is its schedule's, which is the first optimizer's.
    const own = optimizer ? optimizers.find((o) => o.name === optimizer.optimizer)! : run.schedule ? undefined : declared[0];
    const at = await expectedAt(db, runId, own ? { schedule: own.schedule, stepsPerEpoch: run.stepsPerEpoch, cadence: own.cadence ?? null } : run);
    return { points: at ? expectedSeries(at, from, to, width, plan.mode === 'rollup') : [], bucket: width };
  }
  if (plan.mode === 'rollup') {
    if (metric === 'epoch' || metric === 'time') {
      const starts: number[] = [from];
      for (let s = (Math.floor(from / width) + 1) * width; s <= to; s += width) starts.push(s);
      return { points: await db.points.firstAtOrAfter(runId, metric, starts, to), bucket: width };
    }
    return { points: mergeParts(await db.points.rollupParts(runId, metric, coverRange(from, to, plan.sizeIndex)), width), bucket: width };
  }
  if (metric === 'lr' || metric === 'loss' || metric === 'epoch' || metric === 'time') return { points: await db.points.series(runId, metric, range, width), bucket: width };
  return { points: await db.points.metricSeries(runId, metric, range, width), bucket: width };
}

const BUILT_IN = ['lr', 'loss', 'expected_lr', 'epoch', 'time'];

// The schedule is evaluated at every step of the range (a drop inside a bucket still shows in
// its min/max) while buckets are narrow; wide buckets (a zoomed-out long run) sample 64 steps per
// bucket plus both ends, so a 1,000,000-step view costs ~130k evaluations, not a million. Steps
// are generated, not read (a plateau replay reads only the values scheduler.step() was given).
function expectedSeries(at: (step: number) => number | null, from: number, to: number, width: number, aligned: boolean): Bucket[] {
  const origin = aligned ? 0 : from;
  const stride = Math.max(1, Math.floor(width / 64));
  const steps: number[] = [];
  if (stride === 1) {
    for (let s = from; s <= to; s++) steps.push(s);
  } else {
    for (let b = Math.floor((from - origin) / width); origin + b * width <= to; b++) {
      const start = Math.max(from, origin + b * width);
      const end = Math.min(to, origin + (b + 1) * width - 1);
      for (let s = start; s < end; s += stride) steps.push(s);
      steps.push(end);
    }
  }
  // Steps the schedule says nothing about (past its end, before a plateau's first reduction) are left out.
  const kept: number[] = [];
  const values: number[] = [];
  for (const s of steps) {
    const v = at(s);
    if (v === null) continue;
    kept.push(s);
    values.push(v);
  }
  return downsample(kept, values, origin, width);
}
