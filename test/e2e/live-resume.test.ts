// The live feeds over SSE, read raw: a run page that reconnects with its last event id gets
// exactly the points it missed (no gap, no duplicate); the runs feed resumes from its journal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { livePoints } from '@/lib/live-columns';
import { openFeed, type SseEvent, startServer, type TestServer } from '../helpers/server';
import { data, mutate } from '../helpers/trpc-http';
import { COQUI_SCHEDULE, createRun, logPoints } from './seed';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** Opens an SSE subscription, as a page does, and returns its tracked events once `until` holds. */
async function collect(procedure: string, input: unknown, until: (events: SseEvent[]) => boolean, timeoutMs = 10_000): Promise<SseEvent[]> {
  const feed = openFeed(server.url, procedure, input);
  try {
    await feed.wait(`${procedure} events`, until, timeoutMs);
    return [...feed.events];
  } finally {
    await feed.close();
  }
}

const steps = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ step: from + i, lr: 5e-4 }));

describe('live.run', () => {
  it('starts at the current batch, then pushes each new batch once with its batch number as id', async () => {
    const runId = await createRun(server.url, server.apiKey, { name: 'feed', schedule: COQUI_SCHEDULE });
    await logPoints(server.url, server.apiKey, runId, steps(0, 10));
    const live = collect('live.run', { runId }, (ev) => ev.some((e) => e.data.kind === 'points' && e.data.points.step.includes(29)));
    await new Promise((r) => setTimeout(r, 300));
    await logPoints(server.url, server.apiKey, runId, steps(10, 20));
    await logPoints(server.url, server.apiKey, runId, steps(20, 30));
    const events = await live;
    expect(events[0]).toMatchObject({ id: '1', data: { kind: 'start', batch: 1, run: { id: runId } } });
    const pushed = events.filter((e) => e.data.kind === 'points').flatMap((e) => e.data.points.step);
    expect(pushed).toEqual(Array.from({ length: 20 }, (_, i) => 10 + i));
    expect(livePoints(events.find((e) => e.data.kind === 'points')!.data.points)[0]).toMatchObject({ step: 10, lr: 5e-4, expectedLr: 5e-4 });
  });

  it('resumes from lastEventId with exactly the points written since, including out-of-order and re-sent ones', async () => {
    const runId = await createRun(server.url, server.apiKey, { name: 'resume', schedule: COQUI_SCHEDULE });
    await logPoints(server.url, server.apiKey, runId, steps(0, 100)); // batch 1
    await logPoints(server.url, server.apiKey, runId, steps(200, 300)); // batch 2
    // Away from here on: the page's last id is "2".
    await logPoints(server.url, server.apiKey, runId, steps(100, 200)); // batch 3: earlier steps, late
    data(await mutate(server.url, 'runs.log', { runId, points: steps(250, 350) }, server.apiKey)); // batch 4: half re-sent
    const events = await collect('live.run', { runId, lastEventId: '2' }, (ev) => ev.some((e) => e.id === '4'));
    expect(events[0].data.kind).toBe('run');
    const got = events.filter((e) => e.data.kind === 'points').flatMap((e) => e.data.points.step);
    expect(got.sort((a: number, b: number) => a - b)).toEqual([...Array.from({ length: 100 }, (_, i) => 100 + i), ...Array.from({ length: 50 }, (_, i) => 300 + i)]);
    expect(events[events.length - 1].id).toBe('4');
  });
});

describe('live.runs', () => {
  it('pushes changed runs, and resumes from its last id without missing one', async () => {
    const first = await collect('live.runs', {}, (ev) => ev.length >= 1);
    expect(first[0].data).toEqual({ kind: 'start' });
    const a = await createRun(server.url, server.apiKey, { name: 'journal-a' });
    const b = await createRun(server.url, server.apiKey, { name: 'journal-b' });
    await logPoints(server.url, server.apiKey, a, steps(0, 5));
    const resumed = await collect('live.runs', { lastEventId: first[0].id }, (ev) => ev.some((e) => e.data.kind === 'run' && e.data.run.id === a && e.data.run.lastStep === 4));
    const names = resumed.filter((e) => e.data.kind === 'run').map((e) => e.data.run.name);
    expect(names).toEqual(['journal-b', 'journal-a']);
    void b;
  });

  it('asks a page with an unknown id to re-read its list', async () => {
    const events = await collect('live.runs', { lastEventId: 'ffffffff.3' }, (ev) => ev.length >= 1);
    expect(events[0].data).toEqual({ kind: 'resync' });
  });
});
