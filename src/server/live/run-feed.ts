// One run's live feed for its page: new points and the run's summary (status, verdict, last
// values). Event ids are batch numbers: every point carries the batch that wrote it, batches
// commit in number order, so "points of batches after N" resumes with no gap and no duplicate
// by construction. Summaries are state, not history: each one carries the batch id reached so
// far and replaces the previous.
import { expectedAt } from '../runs/expected-at';
import type { Db } from '../db/open-database';
import type { StoredPoint } from '../db/point-store';
import { AppError } from '../errors';
import { getRun } from '../runs/get-run';
import type { RunSummary } from '../runs/run-summary';
import { retryWhileUnavailable } from './retry-while-unavailable';
import { liveTurns } from './fair-turns';
import { sharedReads } from './shared-reads';
import { createWakeup } from './wakeup';

/** A point as the page plots it: the stored columns plus the configured schedule's LR there. */
export interface LivePoint {
  step: number;
  epoch: number | null;
  lr: number | null;
  loss: number | null;
  time: number | null;
  expectedLr: number | null;
}

export type RunFeedEvent =
  /** First connection: the batch the page's own series fetch will include, and the run. */
  | { kind: 'start'; batch: number; run: RunSummary }
  /** Points of batches after the previous event's id, in step order. */
  | { kind: 'points'; batch: number; points: LivePoint[] }
  /** The run's row changed (verdict, status, schedule). */
  | { kind: 'run'; batch: number; run: RunSummary }
  /** Too many points to stream since the last id: re-read the series (all batches ≤ batch are in it). */
  | { kind: 'reset'; batch: number; run: RunSummary };

/** Points per event; more than this since the last id (a long disconnection) becomes a reset. */
export const FEED_POINT_LIMIT = 10_000;

export async function* runFeed(db: Db, runId: number, lastEventId: string | null | undefined, signal?: AbortSignal): AsyncGenerator<{ id: number; event: RunFeedEvent }> {
  const wake = createWakeup();
  let runChanged = false;
  // Subscribe before reading, so nothing committed in between is missed.
  const unsubscribe = db.live.subscribe((e) => {
    if (e.type === 'resync') {
      // Notifications may have been lost: re-read both points and summary.
      runChanged = true;
      wake.notify();
      return;
    }
    if (e.runId !== runId) return;
    if (e.type === 'run') runChanged = true;
    if (e.type === 'points' || e.type === 'run') wake.notify();
  });
  try {
    const resumeFrom = lastEventId != null && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null;
    // Reads wait out a database outage (the stream stays open); the bus's resync follows it.
    const read = <T>(fn: () => Promise<T>) => retryWhileUnavailable(fn, { signal });
    // Every page open on this run wakes for the same batch: they share the reads it causes.
    const shared = sharedReads(db.live);
    const readState = () => read(() => shared.read(runId, 'run', () => readRun(db, runId)));
    const readPoints = (after: number) => read(() => shared.read(runId, `points>${after}`, () => db.points.pointsAfterBatch(runId, after, FEED_POINT_LIMIT + 1)));
    let state = await readState();
    let cursor: number;
    if (resumeFrom === null) {
      cursor = state.batchSeq;
      yield { id: cursor, event: { kind: 'start', batch: cursor, run: state.summary } };
    } else {
      // A reconnect: the summary may have changed while away; points follow from the id on.
      cursor = Math.min(resumeFrom, state.batchSeq);
      yield { id: cursor, event: { kind: 'run', batch: cursor, run: state.summary } };
    }
    while (!signal?.aborted) {
      const rows = await readPoints(cursor);
      if (rows.length > FEED_POINT_LIMIT) {
        state = await readState();
        cursor = state.batchSeq;
        runChanged = false;
        yield { id: cursor, event: { kind: 'reset', batch: cursor, run: state.summary } };
      } else if (rows.length > 0) {
        cursor = rows.reduce((m, p) => Math.max(m, p.batch), cursor);
        yield { id: cursor, event: { kind: 'points', batch: cursor, points: withExpected(state, rows) } };
      }
      if (runChanged) {
        runChanged = false;
        state = await readState();
        yield { id: cursor, event: { kind: 'run', batch: cursor, run: state.summary } };
      }
      await wake.wait(signal);
      await liveTurns.take();
    }
  } finally {
    unsubscribe();
  }
}

interface RunState {
  summary: RunSummary;
  batchSeq: number;
  expectedAt: ((step: number) => number | null) | null;
}

async function readRun(db: Db, runId: number): Promise<RunState> {
  const [summary, row] = await Promise.all([getRun(db.prisma, runId), db.prisma.run.findUnique({ where: { id: runId }, select: { batchSeq: true } })]);
  if (!row) throw new AppError('NOT_FOUND', `runId: no run ${runId}`);
  return { summary, batchSeq: row.batchSeq, expectedAt: await expectedAt(db, runId, summary) };
}

// Feeds at the same place share their rows and run state (shared-reads.ts), so they share the
// points made from them too: one array per batch, not one per open page.
const madePoints = new WeakMap<StoredPoint[], { state: RunState; points: LivePoint[] }>();

function withExpected(state: RunState, rows: StoredPoint[]): LivePoint[] {
  const made = madePoints.get(rows);
  if (made?.state === state) return made.points;
  const at = state.expectedAt;
  const points = rows.map((p) => ({ step: p.step, epoch: p.epoch, lr: p.lr, loss: p.loss, time: p.time, expectedLr: at ? at(p.step) : null }));
  madePoints.set(rows, { state, points });
  return points;
}
