import { describe, expect, it } from 'vitest';
import { createLocalBus } from '@/server/live/bus';
import { createSharedReads } from '@/server/live/shared-reads';

describe('shared reads', () => {
  it('one read answers every caller until the run changes; a change to another run keeps it', async () => {
    const bus = createLocalBus();
    const shared = createSharedReads(bus);
    let reads = 0;
    const read = async () => ++reads;
    const answers = await Promise.all(Array.from({ length: 500 }, () => shared.read(1, 'summary', read)));
    expect(new Set(answers)).toEqual(new Set([1]));
    expect(await shared.read(1, 'summary', read), 'later, with no change since').toBe(1);
    bus.publish({ type: 'run', runId: 2 });
    expect(await shared.read(1, 'summary', read)).toBe(1);
    bus.publish({ type: 'points', runId: 1, batch: 3 });
    expect(await shared.read(1, 'summary', read), 'a caller woken by a change never gets an answer from before it').toBe(2);
    bus.publish({ type: 'resync' });
    expect(await shared.read(1, 'summary', read)).toBe(3);
    expect(await shared.read(1, 'points>0', read), 'another question is another read').toBe(4);
  });

  it('a failed read is not kept', async () => {
    const shared = createSharedReads(createLocalBus());
    let n = 0;
    await expect(shared.read(1, 'q', async () => Promise.reject(new Error(`down ${++n}`)))).rejects.toThrow('down 1');
    expect(await shared.read(1, 'q', async () => 'up')).toBe('up');
  });

  it('keeps answers for a bounded number of runs', async () => {
    const shared = createSharedReads(createLocalBus(), 2);
    let reads = 0;
    for (const run of [1, 2, 3]) await shared.read(run, 'q', async () => ++reads);
    expect(await shared.read(1, 'q', async () => ++reads), 'run 1 was dropped for run 3').toBe(4);
  });
});
