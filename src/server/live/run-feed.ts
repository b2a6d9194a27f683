// One run's live feed for its page: new points and the run's summary (status, verdict, last
// values). Event ids are batch numbers: every point carries the batch that wrote it, batches
// commit in number order, so "points of batches after N" resumes with no gap and no duplicate
// by construction. Summaries are state, not history: each one carries the batch id reached so
// far and replaces the previous.
import { LIVE_COLUMNS, type LiveColumns } from '@/lib/live-columns';
import type { ScheduleSpec } from '@/lib/schedules/types';
import { JsonColumnParts } from '../http/shared-json-stream';
import { compiledSchedule } from '../runs/compiled-schedule';
import { expectedAt } from '../runs/expected-at';
import type { Db } from '../db/open-database';
import type { StoredPoint } from '../db/point-store';
import { AppError } from '../errors';
import { getRun } from '../runs/get-run';
import type { RunSummary } from '../runs/run-summary';
import { retryWhileUnavailable } from './retry-while-unavailable';
import { liveTurns } from './fair-turns';
import { pause } from './pause';
import { runTails } from './run-tail';
import { sharedReads } from './shared-reads';
import { createWakeup } from './wakeup';

export type RunFeedEvent =
  /** First connection: the batch the page's own series fetch will include, and the run. */
  | { kind: 'start'; batch: number; run: RunSummary }
  /** Points of batches after the previous event's id, in step order (columns; in parts, so each part is encoded once for every page), and the run's row when it changed too. */
  | { kind: 'points'; batch: number; points: JsonColumnParts<LiveColumns>; run?: RunSummary }
  /** The run's row changed (verdict, status, schedule). */
  | { kind: 'run'; batch: number; run: RunSummary }
  /** Too many points to stream since the last id: re-read the series (all batches ≤ batch are in it). */
  | { kind: 'reset'; batch: number; run: RunSummary };


/**
 * The shortest time between two events of a page. A trainer posting batches back to back (a
 * few ms apart) would otherwise have every open page sent an event per batch, and the fan-out
 * would cost ingest in proportion to pages × batches; no chart shows more than a few updates a
 * second. Batches in between go out together, none lost: each event has all points after the
 * last id. A page of a run that posts less often than this is sent each batch at once.
 */
export const MIN_EVENT_INTERVAL_MS = 200;

/**
 * When a page that sent an event at `lastSentAt` may send the next: on the process's shared
 * grid of MIN_EVENT_INTERVAL_MS, so that the pages held back wake together and share one read
 * of the run (and one encoding of its points) per tick rather than one per batch.
 */
export function nextEventAt(lastSentAt: number): number {
  return Math.ceil((lastSentAt + MIN_EVENT_INTERVAL_MS) / MIN_EVENT_INTERVAL_MS) * MIN_EVENT_INTERVAL_MS;
}

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
    const tails = runTails(db.live, (id, after, limit, through) => db.points.pointsAfterBatch(id, after, limit, through));
    const readState = () => read(() => shared.read(runId, 'run', () => readRun(db, runId)));
    const readPoints = (after: number) => read(() => tails.after(runId, after));
    let state = await readState();
    let cursor: number;
    let lastSentAt = performance.now();
    if (resumeFrom === null) {
      cursor = state.batchSeq;
      yield { id: cursor, event: { kind: 'start', batch: cursor, run: state.summary } };
    } else {
      // A reconnect: the summary may have changed while away; points follow from the id on.
      cursor = Math.min(resumeFrom, state.batchSeq);
      yield { id: cursor, event: { kind: 'run', batch: cursor, run: state.summary } };
    }
    while (!signal?.aborted) {
      const news = await readPoints(cursor);
      if (news === null) {
        state = await readState();
        cursor = state.batchSeq;
        runChanged = false;
        yield { id: cursor, event: { kind: 'reset', batch: cursor, run: state.summary } };
        lastSentAt = performance.now();
      } else {
        // The run's summary rides with the points when both changed: one event per page, not two.
        let run: RunSummary | undefined;
        if (runChanged) {
          runChanged = false;
          state = await readState();
          run = state.summary;
        }
        // Batches that stored nothing new (a re-sent batch) move the id on all the same.
        cursor = news.batch;
        if (news.count > 0) {
          const points = new JsonColumnParts(LIVE_COLUMNS, news.parts.map((rows) => withExpected(state, rows)));
          yield { id: cursor, event: run ? { kind: 'points', batch: cursor, points, run } : { kind: 'points', batch: cursor, points } };
          lastSentAt = performance.now();
        } else if (run) {
          yield { id: cursor, event: { kind: 'run', batch: cursor, run } };
          lastSentAt = performance.now();
        }
      }
      await wake.wait(signal);
      await pause(nextEventAt(lastSentAt) - performance.now(), signal);
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
  /** Equal for two states whose expectedAt gives the same LR at every step (null: compare the states). */
  expectedKey: string | null;
}

async function readRun(db: Db, runId: number): Promise<RunState> {
  const [summary, row] = await Promise.all([getRun(db.prisma, runId), db.prisma.run.findUnique({ where: { id: runId }, select: { batchSeq: true } })]);
  if (!row) throw new AppError('NOT_FOUND', `runId: no run ${runId}`);
  const at = await expectedAt(db, runId, summary);
  return { summary, batchSeq: row.batchSeq, expectedAt: at, expectedKey: expectedKey(summary, at) };
}

/**
 * A formula of the step depends only on the spec and the epoch length; a replayed plateau also
 * on the values logged since, so only the state it was read with is known to give it.
 */
function expectedKey(summary: RunSummary, at: RunState['expectedAt']): string | null {
  if (!at) return 'none';
  const spec = summary.schedule as ScheduleSpec | null;
  if (!spec) return 'none';
  try {
    return compiledSchedule(spec).verifiable ? JSON.stringify([spec, summary.stepsPerEpoch]) : null;
  } catch {
    return null;
  }
}

// Feeds share their rows (run-tail.ts), so they share the columns made from them too: one set
// per chunk of the tail, not one per open page, made again only when the expected LR may differ.
const madeColumns = new WeakMap<StoredPoint[], { state: RunState; columns: LiveColumns }>();

function withExpected(state: RunState, rows: StoredPoint[]): LiveColumns {
  const made = madeColumns.get(rows);
  if (made && (made.state === state || (made.state.expectedKey !== null && made.state.expectedKey === state.expectedKey))) return made.columns;
  const at = state.expectedAt;
  const columns: LiveColumns = {
    step: rows.map((p) => p.step),
    epoch: rows.map((p) => p.epoch),
    lr: rows.map((p) => p.lr),
    loss: rows.map((p) => p.loss),
    time: rows.map((p) => p.time),
    expectedLr: rows.map((p) => (at ? at(p.step) : null)),
  };
  madeColumns.set(rows, { state, columns });
  return columns;
}
