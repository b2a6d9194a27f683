// The hot path, behind one interface: points go in through the driver under Prisma's adapter
// (prepared statements / multi-row inserts), never through createMany, which is 45-130x slower
// (../shared/PRISMA-OFFLINE.md). Everything else uses Prisma.

import type { Cover, Part } from './rollup';

export interface PointInput {
  step: number;
  epoch?: number;
  lr?: number;
  lrs?: number[];
  loss?: number;
  time?: number;
  metrics?: Record<string, number>;
}

export interface StoredPoint {
  step: number;
  epoch: number | null;
  lr: number | null;
  loss: number | null;
  time: number | null;
  batch: number;
}

export interface LogResult {
  /** Points newly stored. */
  accepted: number;
  /** Points whose (run, step) was already stored; left unchanged. */
  duplicates: number;
  /** The run's batch sequence number this call got. */
  batch: number;
}

export interface SeriesBucket {
  /** First step of the bucket. */
  step: number;
  value: number;
  min: number;
  max: number;
}

export type PointColumn = 'lr' | 'loss' | 'epoch' | 'time';

export interface StepRange {
  from: number;
  to: number;
}

export interface PointStore {
  /** Stores a batch in one transaction with the run's summary; all or nothing, idempotent on (run, step). */
  logPoints(runId: number, points: PointInput[], now: Date): Promise<LogResult>;
  /** A column of the run's points in [from, to], bucketed `width` steps at a time (min/max/mean). */
  series(runId: number, column: PointColumn, range: StepRange, width: number): Promise<SeriesBucket[]>;
  /** The same for a named metric. */
  metricSeries(runId: number, name: string, range: StepRange, width: number): Promise<SeriesBucket[]>;
  /** The pyramid's parts covering a range of a series (lr, loss or a metric's name): stored blocks, raw points at the edges. */
  rollupParts(runId: number, series: string, cover: Cover): Promise<Part[]>;
  /** For each start, the first point in [start, to] with a value in `column`, as a one-point bucket (x axes by epoch or time). */
  firstAtOrAfter(runId: number, column: 'epoch' | 'time', starts: number[], to: number): Promise<SeriesBucket[]>;
  /** Points written by batches after `batch` (live pages resuming), in step order, at most `limit`. */
  pointsAfterBatch(runId: number, batch: number, limit: number): Promise<StoredPoint[]>;
  /** Every logged (step, epoch, lr, loss) of a run in step order with the batch that wrote it, for the detector. */
  lrPoints(runId: number): Promise<StoredPoint[]>;
}
