// A run page's live feed on the real server (SQLite or PostgreSQL), as pages use it: a trainer
// posting back to back, pages coming back from a reconnect at different ids, and a page further
// behind than the server keeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFeed, startServer, type TestServer } from '../helpers/server';
import { data, mutate } from '../helpers/trpc-http';

const MIN_EVENT_INTERVAL_MS = 200;

describe('a run page live', () => {
  let server: TestServer;
  const create = async (name: string) => data<{ id: number }>(await mutate(server.url, 'runs.create', { name }, server.apiKey)).id;
  // Each runs.log call is the run's next batch (1, 2, ...): a page's event ids.
  const log = async (runId: number, from: number, n: number) =>
    data<{ accepted: number }>(await mutate(server.url, 'runs.log', { runId, points: Array.from({ length: n }, (_, i) => ({ step: from + i, lr: 1e-3, loss: 1 / (from + i + 1) })) }, server.apiKey));
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  beforeAll(async () => {
    server = await startServer({ env: { LRSCOPE_RATE_LIMIT_RPS: '100000', LRSCOPE_RATE_LIMIT_POINTS: '100000000' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gets every point of a trainer posting back to back once, in step order, a few events a second', async () => {
    const runId = await create('back-to-back');
    await log(runId, 0, 10);
    const feed = openFeed(server.url, 'live.run', { runId });
    await feed.wait('the start event', (e) => e.length > 0);
    const started = performance.now();
    for (let b = 1; b <= 60; b++) await log(runId, b * 10, 10);
    const posting = performance.now() - started;
    await feed.wait('every point', () => feed.steps().length >= 600);
    await new Promise((r) => setTimeout(r, 300));
    expect(feed.steps()).toEqual(range(10, 610));
    const points = feed.events.filter((e) => e.data.kind === 'points');
    // Events at most every MIN_EVENT_INTERVAL_MS (timers may fire a little early or late).
    for (let i = 1; i < points.length; i++) expect(points[i].at - points[i - 1].at).toBeGreaterThan(MIN_EVENT_INTERVAL_MS * 0.8);
    expect(points.length).toBeLessThanOrEqual(Math.ceil(posting / MIN_EVENT_INTERVAL_MS) + 2);
    expect(points.length, 'fewer events than batches').toBeLessThan(60);
    // The run's summary rides with the points: the page's header is as current as its chart.
    await feed.wait('the summary at the last step', (e) => e.some((x) => x.data.run?.lastStep === 609));
    expect(points.filter((e) => e.data.run).length, 'points events carrying the summary').toBeGreaterThan(0);
    expect(feed.events.filter((e) => e.data.kind === 'run').length, 'few events of the summary alone').toBeLessThanOrEqual(2);
    await feed.close();
  });

  it('pages back from a reconnect at different ids each get exactly what they missed, then what follows', async () => {
    const runId = await create('reconnects');
    const batches: number[] = [];
    for (let b = 0; b < 12; b++) {
      await log(runId, b * 50, 50);
      batches.push(b + 1);
    }
    // Ids as pages last saw them: the newest first (it starts what the server keeps), then older ones.
    const ids = [batches[10], batches[2], batches[6], batches[0], batches[2]];
    const feeds = [];
    for (const id of ids) {
      const feed = openFeed(server.url, 'live.run', { runId, lastEventId: String(id) });
      await feed.wait(`the points after batch ${id}`, () => feed.steps().length === (11 - batches.indexOf(id)) * 50);
      feeds.push(feed);
    }
    await log(runId, 600, 50);
    for (const [i, feed] of feeds.entries()) {
      const from = (batches.indexOf(ids[i]) + 1) * 50;
      await feed.wait('the next batch', () => feed.steps().length === 650 - from);
      expect(feed.steps(), `a page back from batch ${ids[i]}`).toEqual(range(from, 650));
      await feed.close();
    }
  });

  it('a page further behind than the server keeps is told to re-read the run, then gets what follows', async () => {
    const runId = await create('far-behind');
    for (let b = 0; b <= 120; b++) await log(runId, b * 100, 100);
    const first = 1;
    const feed = openFeed(server.url, 'live.run', { runId, lastEventId: String(first) });
    await feed.wait('a reset', (e) => e.some((x) => x.data.kind === 'reset'));
    const reset = feed.events.find((e) => e.data.kind === 'reset')!;
    expect(reset.data.run.lastStep, 'the run as it is now, to re-read from').toBe(12_099);
    expect(feed.steps(), 'no points that only this page would hold').toEqual([]);
    await log(runId, 12_100, 5);
    await feed.wait('the next batch', () => feed.steps().length === 5);
    expect(feed.steps()).toEqual(range(12_100, 12_105));
    await feed.close();
  });
});
