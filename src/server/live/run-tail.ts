// The recent points of each watched run, kept in memory so that every page open on a run costs
// one database read per change between them, wherever each page has got to.
//
// Pages do not all stand at the same batch: feeds take turns (fair-turns.ts), and a trainer's next
// batch lands between turns, so the pages released before it and after it are a batch apart, and
// a few batches later their ids are scattered. Asked "the points after batch N" per page, the
// database read (and the JSON made of it) was repeated for every distinct N, each time from that
// page's own N: with a trainer posting back to back, every request waited behind a read and an
// encoding of thousands of points. The tail instead reads only what is new since its newest
// batch, once per change, and hands each page the chunks after its id: the same arrays for every
// page, so their JSON is made once too (shared-json-stream.ts).
//
// It holds exactly the points of the batches in (from, to]. Batches commit in number order (both
// stores), so a read of "the points after `to`" returns whole batches, and a notification for a
// batch after `to` is all it takes to know the tail is behind. A page whose id is below `from`
// (back from a reconnect) extends the tail down to its id, room permitting; a page further
// behind than the tail can hold is told to re-read the run (its chart's series, which is
// bounded however long the run). No page is ever sent points only it holds: with hundreds of
// slow pages, each holding thousands of points of its own while its socket drained took the
// server past its heap.
import type { LiveBus } from './bus';
import type { StoredPoint } from '../db/point-store';

export interface TailAnswer {
  /** The points after the asked batch in step order, as the concatenation of these arrays. */
  parts: StoredPoint[][];
  count: number;
  /** The batch the answer reaches: every point of the batches up to it is in it (or was asked for before). */
  batch: number;
}

export interface RunTails {
  /** The points of the run's batches after `after`; null when there are more than a tail holds (re-read the run). */
  after(runId: number, after: number): Promise<TailAnswer | null>;
}

/** The points of the batches after `after` (up to `through`), in step order, at most `limit`. */
export type ReadAfter = (runId: number, after: number, limit: number, through?: number) => Promise<StoredPoint[]>;

export interface TailOptions {
  /** Points kept per run; the oldest batches go first. */
  maxPoints?: number;
  /** Points kept in all; the oldest batches of the least recently asked runs go first. */
  maxTotal?: number;
  /** Runs kept at once; the least recently asked goes first. */
  maxRuns?: number;
}

interface Chunk {
  /** The newest batch of the chunk: it holds every point of the batches after the previous chunk's upTo, up to this. */
  upTo: number;
  firstStep: number;
  lastStep: number;
  rows: StoredPoint[];
}

interface Tail {
  from: number;
  to: number;
  chunks: Chunk[];
  count: number;
  /** A batch after `to` has been announced since the last read began. */
  behind: boolean;
  /** Reads begun, and the number of the last one that completed. */
  started: number;
  done: number;
  reading: Promise<void> | null;
  /** Given up for more points than it holds: no longer answers. */
  dropped: boolean;
  /** A page behind the tail is reading the points below it. */
  extending: Promise<boolean> | null;
  /** Step-sorted merges of chunks whose steps overlap, by the batch asked after; cleared by every read. */
  merged: Map<number, StoredPoint[]>;
}

/** Several seconds of a fast trainer's batches: what pages sent an event a fraction of a second ago need. */
const MAX_POINTS = 10_000;
/** About 25 MB with the points made from them and their JSON. */
const MAX_TOTAL = 100_000;
const MAX_RUNS = 64;

/** A chunk of rows as reads return them: in step order. */
function chunk(upTo: number, rows: StoredPoint[]): Chunk {
  return { upTo, firstStep: rows[0].step, lastStep: rows[rows.length - 1].step, rows };
}

const perBus = new WeakMap<LiveBus, RunTails>();

/** The tails of one bus, started on first use. */
export function runTails(bus: LiveBus, read: ReadAfter): RunTails {
  let tails = perBus.get(bus);
  if (!tails) {
    tails = createRunTails(bus, read);
    perBus.set(bus, tails);
  }
  return tails;
}

export function createRunTails(bus: LiveBus, read: ReadAfter, { maxPoints = MAX_POINTS, maxTotal = MAX_TOTAL, maxRuns = MAX_RUNS }: TailOptions = {}): RunTails {
  const tails = new Map<number, Tail>();
  let total = 0;
  bus.subscribe((e) => {
    if (e.type === 'resync') {
      // Notifications may have been lost: every tail reads again before it answers.
      for (const t of tails.values()) t.behind = true;
    } else if (e.type === 'points') {
      const t = tails.get(e.runId);
      if (t && e.batch > t.to) t.behind = true;
    }
  });

  async function catchUp(runId: number, t: Tail): Promise<void> {
    // Reads are numbered as they begin. A read under way that began after the latest announcement
    // has seen it; if one came since (behind), only a read that begins now has.
    const needed = t.behind ? t.started + 1 : t.started;
    while (t.done < needed && !t.dropped) {
      t.reading ??= readNew(runId, t).finally(() => {
        t.reading = null;
      });
      await t.reading;
    }
  }

  async function readNew(runId: number, t: Tail): Promise<void> {
    t.behind = false;
    const number = ++t.started;
    let rows: StoredPoint[];
    try {
      rows = await read(runId, t.to, maxPoints + 1);
    } catch (err) {
      t.behind = true;
      throw err;
    }
    t.done = number;
    t.merged.clear();
    if (rows.length === 0) return;
    const upTo = rows.reduce((m, p) => Math.max(m, p.batch), t.to);
    if (rows.length > maxPoints) {
      // More than a tail holds (a huge batch, an import): its pages re-read the run, and the next
      // page to ask starts a new tail at its own batch.
      forget(runId, t);
      return;
    }
    t.chunks.push(chunk(upTo, rows));
    t.count += rows.length;
    total += rows.length;
    t.to = upTo;
    while (t.count > maxPoints) dropOldest(t);
    fitTotal();
  }

  function dropOldest(t: Tail) {
    const old = t.chunks.shift()!;
    t.count -= old.rows.length;
    total -= old.rows.length;
    t.from = old.upTo;
  }

  function fitTotal() {
    for (const t of tails.values()) {
      while (total > maxTotal && t.chunks.length > 0) dropOldest(t);
      if (total <= maxTotal) return;
    }
  }

  function forget(runId: number, t: Tail) {
    t.dropped = true;
    total -= t.count;
    if (tails.get(runId) === t) tails.delete(runId);
  }

  /**
   * Extends the tail down to `after` with one read, or says it cannot (false): the points below
   * it do not fit. Every batch up to `from` was committed before the read began (`from` is a batch
   * the tail or a page had seen), so the read holds all of their points.
   */
  async function extend(runId: number, t: Tail, after: number): Promise<boolean> {
    const from = t.from;
    const room = maxPoints - t.count;
    if (room <= 0) return false;
    const below = await read(runId, after, room + 1, from);
    if (t.dropped || t.from !== from) return true;
    if (t.count + below.length > maxPoints) return false;
    if (below.length > 0) {
      t.chunks.unshift(chunk(from, below));
      t.count += below.length;
      total += below.length;
    }
    t.from = after;
    t.merged.clear();
    fitTotal();
    // Other runs' tails could not make room: it gave up the points just read.
    return t.from <= after;
  }

  function answer(t: Tail, after: number): TailAnswer {
    const parts: StoredPoint[][] = [];
    let count = 0;
    let previous: Chunk | undefined;
    let inOrder = true;
    for (let i = 0; i < t.chunks.length; i++) {
      const c = t.chunks[i];
      if (c.upTo <= after) continue;
      // A chunk that begins at or before `after` (a page whose id is between two reads) is cut to its later batches.
      const begins = i === 0 ? t.from : t.chunks[i - 1].upTo;
      const rows = begins >= after ? c.rows : c.rows.filter((p) => p.batch > after);
      if (previous && c.firstStep <= previous.lastStep) inOrder = false;
      previous = c;
      parts.push(rows);
      count += rows.length;
    }
    if (inOrder || parts.length < 2) return { parts, count, batch: Math.max(after, t.to) };
    // Steps out of order across chunks (a trainer resumed from a checkpoint, another writer):
    // one sorted array, shared by the pages at this batch until the next read.
    let merged = t.merged.get(after);
    if (!merged) {
      merged = parts.flat().sort((a, b) => a.step - b.step);
      t.merged.set(after, merged);
    }
    return { parts: [merged], count, batch: Math.max(after, t.to) };
  }

  return {
    async after(runId, after) {
      let t = tails.get(runId);
      if (t) {
        // Most recently asked last: the first in the map is the one to drop.
        tails.delete(runId);
        tails.set(runId, t);
      } else {
        if (tails.size >= maxRuns) {
          const [oldest, tail] = tails.entries().next().value!;
          forget(oldest, tail);
        }
        t = { from: after, to: after, chunks: [], count: 0, behind: true, started: 0, done: 0, reading: null, dropped: false, extending: null, merged: new Map() };
        tails.set(runId, t);
      }
      // Pages behind the tail extend it one at a time: the next one down may find itself covered.
      // Reading what is new may cut the tail back above the page again (it is full): then again.
      for (let tries = 0; !t.dropped; tries++) {
        // The tail kept being cut back while this page waited (memory is short): re-read the run.
        if (tries === 3) return null;
        if (after < t.from) {
          if (!t.extending) {
            t.extending = extend(runId, t, after).finally(() => {
              t.extending = null;
            });
            if (!(await t.extending)) return null;
          } else {
            await t.extending.catch(() => {});
          }
          continue;
        }
        await catchUp(runId, t);
        if (after >= t.from && !t.dropped) return answer(t, after);
      }
      return null;
    },
  };
}
