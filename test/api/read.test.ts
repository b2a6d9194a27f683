// The read side the pages and scripts use: list with filters and paging, get, and series
// downsampled server-side with every spike kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;
let key: string;

async function create(input: Record<string, unknown>) {
  return data<{ id: number }>(await mutate(server.url, 'runs.create', input, key)).id;
}
async function log(runId: number, points: unknown[]) {
  return data(await mutate(server.url, 'runs.log', { runId, points }, key));
}
async function list(input?: Record<string, unknown>) {
  return data<{ runs: any[]; nextCursor: string | null }>(await query(server.url, 'runs.list', input));
}

beforeAll(async () => {
  server = await startServer();
  key = server.apiKey;
});
afterAll(() => server?.stop());

describe('runs.list', () => {
  it('lists runs most recently seen first, with their latest values and verdict', async () => {
    const a = await create({ name: 'list-a' });
    const b = await create({ name: 'list-b' });
    await log(a, [{ step: 3, lr: 0.2, loss: 1.5 }]);
    const { runs } = await list();
    expect(runs[0]).toMatchObject({ id: a, name: 'list-a', lastStep: 3, lastLr: 0.2, lastLoss: 1.5, status: 'running', project: 'default' });
    expect(runs[0].verdict).toHaveProperty('flagged', false);
    expect(runs.map((r) => r.id)).toContain(b);
  });

  it('filters by status and by project, and searches names and tags', async () => {
    const done = await create({ name: 'finished-one', tags: ['sweep-7'] });
    await mutate(server.url, 'runs.finish', { runId: done }, key);
    expect((await list({ status: 'finished' })).runs.map((r) => r.id)).toEqual([done]);
    expect((await list({ search: 'finished-o' })).runs.map((r) => r.id)).toEqual([done]);
    expect((await list({ search: 'sweep-7' })).runs.map((r) => r.id)).toEqual([done]);
    expect((await list({ search: 'no-such-thing' })).runs).toEqual([]);
    expect((await list({ project: 'nobody' })).runs).toEqual([]);
    expect((await list({ project: 'default' })).runs.length).toBeGreaterThan(0);
    expect((await list({ flagged: true })).runs).toEqual([]);
  });

  it('pages with a cursor without gaps or repeats', async () => {
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await create({ name: `page-${i}`, tags: ['paging'] }));
    const seen: number[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await list({ search: 'paging', limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.runs.length).toBeLessThanOrEqual(3);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
  });

  it('rejects bad filters with a 400 naming the field', async () => {
    for (const [input, message] of [
      [{ status: 'sleeping' }, /^status: must be one of running, finished, crashed, stalled/],
      [{ limit: 0 }, /^limit: must be ≥ 1/],
      [{ flagged: 'yes' }, /^flagged: must be true or false/],
      [{ cursor: 'abc' }, /^cursor: not a cursor/],
    ] as const) {
      const r = await query(server.url, 'runs.list', input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(r.body.error!.message).toMatch(message);
    }
  });
});

describe('runs.get', () => {
  it('404 for an unknown run', async () => {
    const r = await query(server.url, 'runs.get', { id: 424242 });
    expect(r.status).toBe(404);
    expect(r.body.error!.message).toBe('id: no run 424242');
  });
});

describe('runs.compareSeries', () => {
  it("is the compare page's five series of one run, each what runs.series answers for it", async () => {
    const schedule = { name: 'MultiStepLR', params: { milestones: [2, 4], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 };
    const id = await create({ name: 'compare-bundle', schedule, stepsPerEpoch: 10 });
    await log(id, Array.from({ length: 60 }, (_, i) => ({ step: i, epoch: i / 10, lr: 0.1 * 0.5 ** (Math.floor(i / 20)), loss: 2 - i / 60, time: 1_700_000_000 + i })));
    const bundle = data<any>(await query(server.url, 'runs.compareSeries', { runId: id, maxPoints: 12, axisSamples: 5 }));
    const series = async (metric: string, maxPoints: number) => data<any>(await query(server.url, 'runs.series', { runId: id, metric, maxPoints }));
    expect(bundle).toEqual({ lr: await series('lr', 12), expected: await series('expected_lr', 12), loss: await series('loss', 12), epoch: await series('epoch', 5), time: await series('time', 5) });
    // Drawn series at the chart's width, axis samples fewer: each asked size is honoured.
    expect(bundle.lr.points).toHaveLength(12);
    expect(bundle.epoch.points).toHaveLength(5);
    expect(bundle.expected.points.map((p: any) => p.value)).toContain(0.025);
  });

  it('404 for a run that does not exist, and empty series for a run with no points', async () => {
    const missing = await query(server.url, 'runs.compareSeries', { runId: 9_999_999, maxPoints: 10, axisSamples: 10 });
    expect(missing.status).toBe(404);
    const id = await create({ name: 'compare-empty' });
    const empty = data<any>(await query(server.url, 'runs.compareSeries', { runId: id, maxPoints: 10, axisSamples: 10 }));
    expect(Object.values(empty).map((s: any) => s.points)).toEqual([[], [], [], [], []]);
  });
});

describe('runs.series', () => {
  it('returns raw points when they fit, buckets with min and max when they do not', async () => {
    const id = await create({ name: 'series' });
    const points = Array.from({ length: 10_000 }, (_, i) => ({ step: i, lr: i === 7777 ? 5 : 0.1, loss: 1 }));
    await log(id, points);
    const raw = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'lr', maxPoints: 10_000 }));
    expect(raw.points).toHaveLength(10_000);
    expect(raw.bucket).toBe(1);
    const small = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'lr', maxPoints: 100 }));
    expect(small.points).toHaveLength(100);
    expect(small.bucket).toBe(100);
    const spike = small.points.find((p: any) => p.step === 7700);
    expect(spike).toMatchObject({ min: 0.1, max: 5 });
    expect(small.points.filter((p: any) => p.max === 5)).toHaveLength(1);
  });

  it('limits the range with fromStep and toStep', async () => {
    const id = await create({ name: 'range' });
    await log(id, Array.from({ length: 100 }, (_, i) => ({ step: i, lr: i })));
    const r = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'lr', fromStep: 10, toStep: 19 }));
    expect(r.points.map((p: any) => p.step)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('computes the configured schedule as expected_lr over the logged range', async () => {
    const schedule = { name: 'MultiStepLR', params: { milestones: [2, 4], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 };
    const id = await create({ name: 'expected', schedule, stepsPerEpoch: 10 });
    await log(id, [{ step: 0, lr: 0.1 }, { step: 59, lr: 0.025 }]);
    const r = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'expected_lr', maxPoints: 6 }));
    expect(r.points.map((p: any) => [p.step, p.min, p.max])).toEqual([
      [0, 0.1, 0.1],
      [10, 0.1, 0.1],
      [20, 0.05, 0.05],
      [30, 0.05, 0.05],
      [40, 0.025, 0.025],
      [50, 0.025, 0.025],
    ]);
  });

  it('404 for a metric the run never logged, listing what it has', async () => {
    const id = await create({ name: 'metrics' });
    await log(id, [{ step: 0, metrics: { acc: 1 } }]);
    const r = await query(server.url, 'runs.series', { runId: id, metric: 'bleu' });
    expect(r.status).toBe(404);
    expect(r.body.error!.message).toBe(`metric: run ${id} has no metric "bleu" (it has lr, loss, expected_lr, acc)`);
  });

  it('rejects bad ranges and sizes with a 400', async () => {
    const id = await create({ name: 'bad-series' });
    for (const [input, message] of [
      [{ runId: id, metric: 'lr', maxPoints: 0 }, /^maxPoints: must be ≥ 1/],
      [{ runId: id, metric: 'lr', maxPoints: 10_001 }, /^maxPoints: must be ≤ 10000/],
      [{ runId: id, metric: 'lr', fromStep: 5, toStep: 2 }, /^fromStep: must not exceed toStep/],
      [{ runId: id, metric: '' }, /^metric: must name a metric/],
    ] as const) {
      const r = await query(server.url, 'runs.series', input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(r.body.error!.message).toMatch(message);
    }
  });
});
