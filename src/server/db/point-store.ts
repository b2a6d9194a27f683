// The hot path, behind one interface: points go in through the driver under Prisma's adapter
// (prepared statements / multi-row inserts), never through createMany, which is 45-130x slower
// (docs/architecture.md, "Ingest"). The few rows every batch also reads or writes (its API key,
// the run, the run's verdict, alert rules and open alerts) go the same way: each Prisma query
// costs ~0.45 ms in the wasm query compiler, and a batch of 1,000 points has a budget of ~5 ms
// in all (docs/architecture.md, budgets: ingest ≥ 30% of raw inserts). Everything else uses Prisma.

import type { PointOptimizers } from '@/lib/optimizers/optimizer-points';
import type { Cover, Part } from './rollup';

export interface PointInput {
  step: number;
  epoch?: number;
  lr?: number;
  lrs?: number[];
  /** Runs with several optimizers: each one's values. */
  optimizers?: PointOptimizers;
  loss?: number;
  time?: number;
  metrics?: Record<string, number>;
  /** The scheduler's own counter (last_epoch) when the LR was read. */
  schedulerStep?: number;
}

export interface StoredPoint {
  step: number;
  epoch: number | null;
  lr: number | null;
  loss: number | null;
  time: number | null;
  batch: number;
}

/** A stored point as the detector reads it: also every group's LR and the scheduler's counter. */
export interface LrPoint extends StoredPoint {
  lrs: number[] | null;
  schedulerStep: number | null;
  /** Runs with several optimizers: each one's values. */
  optimizers: PointOptimizers | null;
}

export interface LogResult {
  /** Points newly stored. */
  accepted: number;
  /** Points whose (run, step) was already stored; left unchanged, except that metrics and optimizers they carry that the step does not have yet are added. */
  duplicates: number;
  /** Metric values added to steps stored earlier (an eval logged after its train step). */
  lateMetrics: number;
  /** Optimizers added to steps stored earlier (a step's records from several watchers split across batches). */
  lateOptimizers: number;
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

/** The run as a batch finds it, read in the batch's transaction before anything is written. */
export interface RunAtIngest {
  projectId: number;
  pointCount: number;
  metricNames: string[] | null;
}

/**
 * Decides whether a batch may be written to the run (it exists, belongs to the key's project,
 * stays within the limits); throws to reject it, and then nothing of the batch is stored.
 */
export type AdmitBatch = (run: RunAtIngest | undefined) => void;

/** How far a log file has been read (log-directory mode): written in the transaction of the batch read from it. */
export interface LogFileProgress {
  path: string;
  kind: string;
  offset: number;
  size: number;
  head: string;
  state: unknown;
  errors: number;
  lastError: string | null;
  readAt: Date;
}

/** An API key row by its public id, with its project. */
export interface ApiKeyRow {
  id: number;
  projectId: number;
  projectName: string;
  salt: string;
  hash: string;
  revoked: boolean;
}

/** What a run's verdict is computed from, and the verdict stored now. */
export interface RunVerdictInputs {
  schedule: unknown;
  stepsPerEpoch: number | null;
  cadence: unknown;
  /** [{ name, schedule?, cadence? }] for a run with several optimizers, else null. */
  optimizers: unknown;
  config: unknown;
  lastStep: number | null;
  verdict: unknown;
  expectedLr: number | null;
}

export interface VerdictUpdate {
  verdict: object;
  verdictKind: string;
  flagged: boolean;
  expectedLr: number | null;
}

/** What a run's alerts are brought in line with. */
export interface RunAlertInputs {
  projectId: number;
  status: string;
  verdict: unknown;
  /** Archived or being deleted: its alerts are resolved and none are raised. */
  muted: boolean;
  /** The project's alert rules row; null when it has none (the defaults apply). */
  rules: { causes: unknown; stallSeconds: number; quietSeconds: number; nonfiniteLoss: boolean } | null;
  /** Those of the asked open keys that an alert holds now. */
  openKeys: string[];
}

export interface PointStore {
  /**
   * Stores a batch in one transaction with the run's summary; all or nothing, idempotent on
   * (run, step) for points and on (run, name, step) for metric values: the first value stored wins. `admit` sees the run inside that transaction, so the checks and the write
   * cannot be split by another batch of the run. `progress`, for points read from a log file, is
   * written in the same transaction: the file's offset moves exactly when its points are stored.
   */
  logPoints(runId: number, points: PointInput[], now: Date, admit?: AdmitBatch, progress?: LogFileProgress): Promise<LogResult>;
  /** The key with this public id, or undefined. Read on every request: no cache, so a revocation counts at once. */
  apiKey(publicId: string): Promise<ApiKeyRow | undefined>;
  /** The run's verdict inputs, read fresh (another request or instance may have changed them). */
  verdictInputs(runId: number): Promise<RunVerdictInputs | undefined>;
  /** Stores a run's new verdict and expected LR. */
  saveVerdict(runId: number, update: VerdictUpdate): Promise<void>;
  /** The run's state, rules and which of `openKeys` are open, for syncing its alerts. */
  alertInputs(runId: number, openKeys: string[]): Promise<RunAlertInputs | undefined>;
  /** A column of the run's points in [from, to], bucketed `width` steps at a time (min/max/mean). */
  series(runId: number, column: PointColumn, range: StepRange, width: number): Promise<SeriesBucket[]>;
  /** The same for a named metric. */
  metricSeries(runId: number, name: string, range: StepRange, width: number): Promise<SeriesBucket[]>;
  /** The pyramid's parts covering a range of a series (lr, loss or a metric's name): stored blocks, raw points at the edges. */
  rollupParts(runId: number, series: string, cover: Cover): Promise<Part[]>;
  /** For each start, the first point in [start, to] with a value in `column`, as a one-point bucket (x axes by epoch or time). */
  firstAtOrAfter(runId: number, column: 'epoch' | 'time', starts: number[], to: number): Promise<SeriesBucket[]>;
  /** Points written by batches after `batch` (and up to `through`, MAX_BATCH when not given), in step order, at most `limit`: what live pages are sent. */
  pointsAfterBatch(runId: number, batch: number, limit: number, through?: number): Promise<StoredPoint[]>;
  /** Every logged point of a run in step order with the batch that wrote it, for the detector. */
  lrPoints(runId: number): Promise<LrPoint[]>;
  /** The LR of the last point at or before `step` that has one. */
  lrAtOrBefore(runId: number, step: number): Promise<number | undefined>;
}

/** Batch numbers are INTEGER columns (Run.batchSeq): none is above this. */
export const MAX_BATCH = 2 ** 31 - 1;
