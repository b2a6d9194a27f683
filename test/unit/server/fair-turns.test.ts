// Live feeds and ingest take turns: a few feeds per event-loop iteration, none while a trainer's
// request is in flight unless the oldest feed has waited maxDeferMs.
import { describe, expect, it } from 'vitest';
import { createTurns } from '@/server/live/fair-turns';

/** A hand-driven event loop: `later` callbacks run on tick(), timers on advance(). */
function loop() {
  let t = 0;
  let queued: (() => void)[] = [];
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => t,
    later: (fn: () => void) => void queued.push(fn),
    after: (ms: number, fn: () => void) => void timers.push({ at: t + ms, fn }),
    async tick() {
      const run = queued;
      queued = [];
      for (const fn of run) fn();
      await Promise.resolve();
      await Promise.resolve();
    },
    async advance(ms: number) {
      t += ms;
      for (const timer of timers.filter((x) => x.at <= t)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fn();
      }
      await Promise.resolve();
    },
    pending: () => queued.length,
    timers: () => timers.length,
  };
}

function feeds(turns: ReturnType<typeof createTurns>, n: number) {
  const released: number[] = [];
  for (let i = 0; i < n; i++) void turns.take().then(() => released.push(i));
  return released;
}

describe('createTurns', () => {
  it('releases perTurn feeds per iteration, oldest first', async () => {
    const l = loop();
    const turns = createTurns({ perTurn: 2, maxDeferMs: 100, ...l });
    const released = feeds(turns, 5);
    expect(released).toEqual([]);
    await l.tick();
    expect(released).toEqual([0, 1]);
    await l.tick();
    expect(released).toEqual([0, 1, 2, 3]);
    await l.tick();
    expect(released).toEqual([0, 1, 2, 3, 4]);
    expect(l.pending()).toBe(0);
  });

  it('holds every feed while ingest is in flight and releases them when it ends', async () => {
    const l = loop();
    const turns = createTurns({ perTurn: 10, maxDeferMs: 100, ...l });
    const end = turns.hold();
    const released = feeds(turns, 3);
    await l.tick();
    await l.advance(50);
    await l.tick();
    expect(released).toEqual([]);
    end();
    await l.tick();
    expect(released).toEqual([0, 1, 2]);
  });

  it('waits for the last of several ingest requests; ending one twice counts once', async () => {
    const l = loop();
    const turns = createTurns({ perTurn: 10, maxDeferMs: 100, ...l });
    const a = turns.hold();
    const b = turns.hold();
    const released = feeds(turns, 1);
    a();
    a();
    await l.tick();
    expect(released).toEqual([]);
    b();
    await l.tick();
    expect(released).toEqual([0]);
  });

  it('releases feeds that waited maxDeferMs even while ingest goes on', async () => {
    const l = loop();
    const turns = createTurns({ perTurn: 1, maxDeferMs: 100, ...l });
    turns.hold();
    const released = feeds(turns, 2);
    await l.tick();
    expect(l.timers()).toBe(1);
    await l.advance(99);
    await l.tick();
    expect(released).toEqual([]);
    await l.advance(1);
    await l.tick();
    expect(released).toEqual([0]);
    await l.tick();
    expect(released).toEqual([0, 1]);
  });

  it('a feed arriving during ingest after others were released waits its own maxDeferMs', async () => {
    const l = loop();
    const turns = createTurns({ perTurn: 5, maxDeferMs: 100, ...l });
    const first = feeds(turns, 1);
    await l.tick();
    expect(first).toEqual([0]);
    turns.hold();
    await l.advance(500);
    const late = feeds(turns, 1);
    await l.tick();
    await l.advance(60);
    await l.tick();
    expect(late).toEqual([]);
    await l.advance(40);
    await l.tick();
    expect(late).toEqual([0]);
  });
});
