// The run tail answers "the points after batch N" for every page on a run from one read per
// change: exactly what the database would answer, in step order, however scattered the pages'
// ids, however batches interleave steps, and whatever is announced while a read is under way.
import { describe, expect, it } from 'vitest';
import type { StoredPoint } from '@/server/db/point-store';
import { createLocalBus, type LiveBus } from '@/server/live/bus';
import { createRunTails, type TailAnswer } from '@/server/live/run-tail';

/** A run's points in a fake store that commits batches in number order, as both stores do. */
function fakeStore(bus: LiveBus) {
  const points = new Map<number, Map<number, StoredPoint>>();
  const batches = new Map<number, number>();
  const reads: { runId: number; after: number; rows: number }[] = [];
  return {
    reads,
    log(runId: number, steps: number[], announce = true): number {
      const batch = (batches.get(runId) ?? 0) + 1;
      batches.set(runId, batch);
      let run = points.get(runId);
      if (!run) points.set(runId, (run = new Map()));
      for (const step of steps) if (!run.has(step)) run.set(step, { step, epoch: null, lr: 1e-3, loss: 1 / (step + 1), time: null, batch });
      if (announce) bus.publish({ type: 'points', runId, batch });
      return batch;
    },
    batch: (runId: number) => batches.get(runId) ?? 0,
    expected(runId: number, after: number): StoredPoint[] {
      return [...(points.get(runId)?.values() ?? [])].filter((p) => p.batch > after).sort((a, b) => a.step - b.step);
    },
    async read(runId: number, after: number, limit: number, through = Infinity): Promise<StoredPoint[]> {
      const rows = this.expected(runId, after)
        .filter((p) => p.batch <= through)
        .slice(0, limit);
      reads.push({ runId, after, rows: rows.length });
      return rows;
    },
  };
}

function answered(a: TailAnswer | null): TailAnswer {
  if (!a) throw new Error('told to re-read the run');
  return a;
}
const flat = (a: TailAnswer | null) => answered(a).parts.flat();

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('run tail', () => {
  it('gives every page exactly the points after its id, in step order, once each, whatever the batches and the pages do', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = random(seed);
      const bus = createLocalBus();
      const store = fakeStore(bus);
      const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t), { maxPoints: 300 });
      let top = 0;
      let resets = 0;
      // Pages join at different moments, each from the batch it started at.
      const pages: { from: number; cursor: number; got: StoredPoint[] }[] = [];
      for (let i = 0; i < 300; i++) {
        const r = rnd();
        if (r < 0.35) {
          const kind = rnd();
          const steps =
            kind < 0.6
              ? Array.from({ length: Math.floor(rnd() * 40) }, () => ++top)
              : kind < 0.8
                ? Array.from({ length: 1 + Math.floor(rnd() * 30) }, (_, j) => Math.max(0, top - 50) + j)
                : Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => Math.floor(rnd() * (top + 5)));
          top = Math.max(top, ...steps, 0);
          store.log(1, steps);
        } else if (r < 0.45) {
          const cursor = Math.floor(rnd() * (store.reads.length + 3));
          pages.push({ from: cursor, cursor, got: [] });
        } else if (r < 0.47) {
          bus.publish({ type: 'resync' });
        } else if (pages.length > 0) {
          // A few pages at once, as a turn releases them.
          const turn = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pages[Math.floor(rnd() * pages.length)]);
          await Promise.all(
            [...new Set(turn)].map(async (page) => {
              const before = page.cursor;
              const a = await tails.after(1, page.cursor);
              if (a === null) {
                // Too far behind: the page re-reads its series, which has every batch so far.
                resets++;
                page.cursor = store.batch(1);
                page.got = store.expected(1, page.from).filter((p) => p.batch <= page.cursor);
                return;
              }
              const want = store.expected(1, before);
              expect(flat(a), `seed ${seed}: after ${before}`).toEqual(want);
              expect(a.batch).toBeGreaterThanOrEqual(before);
              page.got.push(...flat(a));
              page.cursor = a.batch;
            }),
          );
        }
      }
      for (const page of pages) {
        const a = await tails.after(1, page.cursor);
        if (a === null) continue;
        page.got.push(...flat(a));
        const want = store.expected(1, page.from);
        expect(page.got.length, `seed ${seed}: a page from batch ${page.from} got each point once`).toBe(want.length);
        expect(new Set(page.got.map((p) => p.step))).toEqual(new Set(want.map((p) => p.step)));
      }
      expect(resets, 'most pages are answered from the tail').toBeLessThan(pages.length);
    }
  });

  it('reads the database once per batch for 500 pages at scattered ids, and only the new points', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t));
    let step = 0;
    const batch = () => store.log(1, Array.from({ length: 100 }, () => step++));
    for (let i = 0; i < 5; i++) batch();
    // Pages at batches 0..5, as turns spread over earlier batches leave them.
    const cursors = Array.from({ length: 500 }, (_, i) => i % 6);
    await tails.after(1, 0);
    store.reads.length = 0;
    for (let round = 0; round < 10; round++) {
      batch();
      const answers = await Promise.all(cursors.map((c) => tails.after(1, c)));
      for (const [i, a] of answers.entries()) cursors[i] = answered(a).batch;
    }
    expect(store.reads).toHaveLength(10);
    expect(store.reads.every((r) => r.rows === 100)).toBe(true);
    // Pages at one batch are handed the same arrays: their JSON is made once.
    const [x, y] = (await Promise.all([tails.after(1, 12), tails.after(1, 12)])).map(answered);
    expect(x.parts.length).toBeGreaterThan(0);
    x.parts.forEach((part, i) => expect(part).toBe(y.parts[i]));
  });

  it('never answers a page with a read that began before the change that woke it', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    let release: (() => void) | null = null;
    const tails = createRunTails(bus, async (r, a, l) => {
      const rows = await store.read(r, a, l);
      // The first read is held while batch 2 commits and is announced.
      if (release === null) await new Promise<void>((go) => (release = go));
      return rows;
    });
    store.log(1, [0, 1]);
    const early = tails.after(1, 0);
    await new Promise((r) => setTimeout(r, 0));
    store.log(1, [2, 3]);
    const woken = tails.after(1, 0);
    release!();
    expect(flat(await woken).map((p) => p.step)).toEqual([0, 1, 2, 3]);
    // The first page asked before batch 2 was announced: the read under way is its answer.
    expect(flat(await early).map((p) => p.step)).toEqual([0, 1]);
  });

  it('a failed read is not an answer: the next ask reads again', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    let fail = true;
    const tails = createRunTails(bus, async (r, a, l) => {
      if (fail) throw new Error('database unavailable');
      return store.read(r, a, l);
    });
    store.log(1, [0, 1]);
    await expect(tails.after(1, 0)).rejects.toThrow('unavailable');
    fail = false;
    expect(flat(await tails.after(1, 0)).map((p) => p.step)).toEqual([0, 1]);
  });

  it('sorts across reads when a later batch wrote lower steps, and shares the sorted array', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t));
    await tails.after(1, 0);
    store.log(1, [10, 11]);
    await tails.after(1, 0);
    store.log(1, [5, 6]);
    const [a, b] = (await Promise.all([tails.after(1, 0), tails.after(1, 0)])).map(answered);
    expect(flat(a).map((p) => p.step)).toEqual([5, 6, 10, 11]);
    expect(a.parts).toHaveLength(1);
    expect(a.parts[0]).toBe(b.parts[0]);
  });

  it('holds a bounded number of points: a page further behind is told to re-read the run, a page within is answered from memory', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t), { maxPoints: 50 });
    let step = 0;
    await tails.after(1, 0);
    for (let i = 0; i < 10; i++) {
      store.log(1, Array.from({ length: 20 }, () => step++));
      await tails.after(1, i + 1);
    }
    store.reads.length = 0;
    expect(await tails.after(1, 2), '160 points behind: more than the tail holds').toBeNull();
    const recent = await tails.after(1, 8);
    expect(flat(recent)).toEqual(store.expected(1, 8));
    expect(store.reads, 'within the tail: answered from memory').toHaveLength(1);
  });

  it('keeps what a page behind it read, room permitting: the next page as far behind reads nothing', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t), { maxPoints: 1_000 });
    let step = 0;
    for (let i = 0; i < 5; i++) store.log(1, Array.from({ length: 10 }, () => step++));
    // The first page (back from a restart) is at batch 4; two more come back from batch 1 and 2.
    expect(flat(await tails.after(1, 4))).toEqual(store.expected(1, 4));
    store.reads.length = 0;
    expect(flat(await tails.after(1, 1))).toEqual(store.expected(1, 1));
    expect(store.reads).toHaveLength(1);
    expect(flat(await tails.after(1, 2))).toEqual(store.expected(1, 2));
    expect(flat(await tails.after(1, 1))).toEqual(store.expected(1, 1));
    expect(store.reads, 'answered from memory').toHaveLength(1);
    store.log(1, [1_000]);
    expect(flat(await tails.after(1, 1))).toEqual(store.expected(1, 1));
    expect(store.reads.at(-1), 'and only the new batch read').toMatchObject({ after: 5, rows: 1 });
  });

  it('holds a bounded number of points across runs, the least recently asked run giving up its oldest first', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t), { maxPoints: 100, maxTotal: 150 });
    for (const run of [1, 2]) {
      await tails.after(run, 0);
      for (let b = 0; b < 4; b++) {
        store.log(run, Array.from({ length: 20 }, (_, i) => b * 20 + i));
        await tails.after(run, b + 1);
      }
    }
    store.reads.length = 0;
    // Run 2 (asked last) keeps its 80 points; run 1 kept only its newest 60.
    expect(flat(await tails.after(2, 0))).toEqual(store.expected(2, 0));
    expect(store.reads).toHaveLength(0);
    expect(flat(await tails.after(1, 1))).toEqual(store.expected(1, 1));
    expect(store.reads).toHaveLength(0);
    expect(flat(await tails.after(1, 0))).toEqual(store.expected(1, 0));
    expect(store.reads, 'its oldest batch was given up').toHaveLength(1);
  });

  it('a batch larger than the tail holds sends its pages to re-read the run; the pages after it are answered as before', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t), { maxPoints: 50 });
    await tails.after(1, 0);
    store.log(1, Array.from({ length: 120 }, (_, i) => i));
    expect(await tails.after(1, 0)).toBeNull();
    store.log(1, [500, 501]);
    expect(flat(await tails.after(1, 1)).map((p) => p.step)).toEqual([500, 501]);
    expect(flat(await tails.after(1, 1)).map((p) => p.step)).toEqual([500, 501]);
  });

  it('keeps tails for a bounded number of runs, the least recently asked going first', async () => {
    const bus = createLocalBus();
    const store = fakeStore(bus);
    const tails = createRunTails(bus, (r, a, l, t) => store.read(r, a, l, t), { maxRuns: 2 });
    for (const run of [1, 2, 3]) store.log(run, [0]);
    await tails.after(1, 0);
    await tails.after(2, 0);
    await tails.after(1, 0);
    await tails.after(3, 0);
    store.reads.length = 0;
    await tails.after(1, 0);
    expect(store.reads, 'run 1 was asked more recently than run 2: still held').toHaveLength(0);
    await tails.after(2, 0);
    expect(store.reads).toHaveLength(1);
  });
});
