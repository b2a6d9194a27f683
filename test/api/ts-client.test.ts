// The TypeScript client against the real server: the typed procedures, and the run logger's
// batching, retries, rejections and bounded memory. Failures are staged by a small HTTP stub
// in front of the server that answers some requests itself and passes the rest through.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LrscopeClient, LrscopeError, type RunLoggerOptions } from 'lrscope/client';
import { backoffMs } from '@/client/backoff';
import { type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';

let server: TestServer;

interface Seen {
  procedure: string;
  body: any;
  at: number;
}

/** Answers with `reply(...)` when it returns something, else forwards to the real server. */
interface Stub {
  url: string;
  seen: Seen[];
  logs(): Seen[];
  reply: (req: Seen) => { status: number; body: unknown; headers?: Record<string, string> } | undefined;
  close(): Promise<void>;
}

async function stub(): Promise<Stub> {
  const state: Stub = { url: '', seen: [], logs: () => state.seen.filter((s) => s.procedure === 'runs.log'), reply: () => undefined, close: async () => {} };
  const srv = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const procedure = (req.url ?? '').replace(/^\/api\/trpc\//, '').split('?')[0];
    const seen: Seen = { procedure, body: raw ? JSON.parse(raw) : undefined, at: Date.now() };
    state.seen.push(seen);
    const canned = state.reply(seen);
    if (canned) {
      res.writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers }).end(JSON.stringify(canned.body));
      return;
    }
    const upstream = await fetch(`${server.url}${req.url}`, {
      method: req.method,
      headers: { 'content-type': 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
      body: req.method === 'POST' ? raw : undefined,
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      srv.close(() => resolve());
      srv.closeAllConnections();
    });
  return state;
}

/** A URL nothing listens on: a port the OS just handed out and took back. */
async function closedPortUrl(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const fastRetries: RunLoggerOptions = { backoff: { baseMs: 20, maxMs: 100 }, flushTimeoutMs: 20_000 };
const multiStep = { name: 'MultiStepLR', params: { milestones: [2, 4], gamma: 0.5 }, interval: 'epoch' as const, baseLr: 0.1 };

function collectErrors() {
  const messages: string[] = [];
  return { messages, onError: (m: string) => void messages.push(m) };
}

async function storedSteps(runId: number): Promise<number[]> {
  const pts = data<any>(await query(server.url, 'runs.series', { runId, metric: 'lr', maxPoints: 10_000 })).points;
  return pts.map((p: { step: number }) => p.step);
}

const stored = async (runId: number) => data<any>(await query(server.url, 'runs.get', { id: runId })).run;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

describe('LrscopeClient', () => {
  it('creates, logs, updates and finishes a run, and reads it back, over plain JSON', async () => {
    const client = new LrscopeClient({ url: server.url, apiKey: server.apiKey });
    const { id } = await client.createRun({ name: 'ts-typed', schedule: multiStep, stepsPerEpoch: 10, tags: ['ts'] });
    const logged = await client.log({ runId: id, points: [{ step: 0, epoch: 0, lr: 0.1, loss: 2.3 }, { step: 1, epoch: 0, lr: 0.1, loss: Number.NaN as unknown as number, metrics: { acc: 0.1 } }] });
    expect(logged).toEqual({ accepted: 2, duplicates: 0 });
    expect(await client.update({ runId: id, tags: ['ts', 'updated'] })).toEqual({ ok: true });
    expect(await client.finish({ runId: id, status: 'finished' })).toEqual({ ok: true });
    const { run } = await client.getRun(id);
    expect(run).toMatchObject({ id, name: 'ts-typed', status: 'finished', pointCount: 2, tags: ['ts', 'updated'], metricNames: ['acc'] });
    expect(run.verdict.kind).toBe('ok');
    const series = await client.series({ runId: id, metric: 'lr' });
    expect(series.points.map((p) => p.step)).toEqual([0, 1]);
    expect((await client.listRuns({ search: 'ts-typed' })).runs.map((r) => r.id)).toContain(id);
  });

  it('throws LrscopeError with the status, the server message and the outcome', async () => {
    const client = new LrscopeClient({ url: server.url, apiKey: server.apiKey });
    const { id } = await client.createRun({ name: 'ts-errors' });
    const bad = await client.log({ runId: id, points: [{ step: 0, lr: -1 }] }).catch((e) => e);
    expect(bad).toBeInstanceOf(LrscopeError);
    expect(bad).toMatchObject({ status: 400, procedure: 'runs.log', outcome: 'rejected' });
    expect(bad.message).toMatch(/^points\[0\]\.lr: must be a finite number ≥ 0/);

    const wrongKey = await new LrscopeClient({ url: server.url, apiKey: 'lrs_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).createRun({ name: 'x' }).catch((e) => e);
    expect(wrongKey).toMatchObject({ status: 401, outcome: 'rejected' });

    const closed = await closedPortUrl();
    const down = await new LrscopeClient({ url: closed, apiKey: server.apiKey }).createRun({ name: 'x' }).catch((e) => e);
    expect(down).toMatchObject({ status: 0, outcome: 'retry' });
    expect(down.message).toBe(`cannot reach ${closed} (ECONNREFUSED)`);
  });
});

describe('backoff', () => {
  const policy = { baseMs: 250, maxMs: 30_000 };
  it('doubles per failure up to the cap, with half of each wait random', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, policy, () => 1))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => backoffMs(n, policy, () => 0))).toEqual([125, 250, 500, 1000]);
    expect(backoffMs(20, policy, () => 1)).toBe(30_000);
    expect(backoffMs(1000, policy, () => 0.5)).toBe(22_500);
  });
});

describe('RunLogger', () => {
  it('sends points in batches of 1,000, merging values logged for one step in separate calls', async () => {
    const s = await stub();
    try {
      const client = new LrscopeClient({ url: s.url, apiKey: server.apiKey });
      const run = client.run({ name: 'ts-batches', schedule: multiStep, stepsPerEpoch: 1000 });
      for (let step = 0; step < 2500; step++) {
        run.log(step, { lr: 0.1 * 0.5 ** (Math.floor(step / 1000) >= 2 ? 1 : 0), epoch: Math.floor(step / 1000) });
        run.log(step, { loss: 2 - step / 2500, acc: step / 2500 });
      }
      const done = await run.finish();
      expect(done.complete).toBe(true);
      expect(done.stats).toMatchObject({ logged: 5000, accepted: 2500, duplicates: 0, rejected: 0, dropped: 0, buffered: 0 });
      expect(s.logs().map((l) => l.body.points.length)).toEqual([1000, 1000, 500]);
      const id = await run.runId;
      expect(await stored(id)).toMatchObject({ pointCount: 2500, status: 'finished', metricNames: ['acc'], lastLoss: expect.closeTo(2 - 2499 / 2500, 6) });
      expect(await storedSteps(id)).toHaveLength(2500);
    } finally {
      await s.close();
    }
  });

  it('sends a partial batch after the flush interval (1 s) without being asked', async () => {
    const s = await stub();
    try {
      const run = new LrscopeClient({ url: s.url, apiKey: server.apiKey }).run({ name: 'ts-interval' });
      const t0 = Date.now();
      for (let step = 0; step < 10; step++) run.log(step, { lr: 0.01 });
      while (s.logs().length === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(s.logs().map((l) => l.body.points.length)).toEqual([10]);
      expect(s.logs()[0].at - t0).toBeGreaterThanOrEqual(950);
      await run.finish();
    } finally {
      await s.close();
    }
  });

  it('log() returns at once and never throws; values the server would refuse are left out and reported once', async () => {
    const errors = collectErrors();
    const run = new LrscopeClient({ url: server.url, apiKey: server.apiKey }).run({ name: 'ts-never-throws' }, { onError: errors.onError });
    expect(() => {
      run.log(-1, { lr: 0.1 });
      run.log(1.5, { lr: 0.1 });
      run.log('7' as unknown as number, { lr: 0.1 });
      run.log(0, { lr: Number.NaN, loss: Number.POSITIVE_INFINITY, 'bad name!': 1, expected_lr: 3, fine: 2 });
      run.log(1, { lr: -5, loss: 1 });
      run.log(2, null as unknown as undefined);
    }).not.toThrow();
    const done = await run.finish();
    expect(done.stats).toMatchObject({ invalid: 3, accepted: 3, rejected: 0 });
    const id = await run.runId;
    const r = await stored(id);
    expect(r.pointCount).toBe(3);
    expect(r.metricNames).toEqual(['fine']);
    expect(errors.messages.filter((m) => m.startsWith('log(): step')).length).toBe(1);
    expect(errors.messages.filter((m) => m.startsWith('lr must be')).length).toBe(1);
    expect(errors.messages.some((m) => m.includes('"bad name!"'))).toBe(true);
    expect(errors.messages.some((m) => m.includes('"expected_lr"'))).toBe(true);
  });

  it('retries a batch after two 503s: every point stored once, no duplicates', async () => {
    const s = await stub();
    let failures = 0;
    s.reply = (req) => (req.procedure === 'runs.log' && failures++ < 2 ? { status: 503, body: { error: { message: 'unavailable' } } } : undefined);
    try {
      const errors = collectErrors();
      const run = new LrscopeClient({ url: s.url, apiKey: server.apiKey }).run({ name: 'ts-retry-503' }, { ...fastRetries, onError: errors.onError });
      for (let step = 0; step < 1500; step++) run.log(step, { lr: 0.001, loss: 1 });
      const done = await run.finish();
      expect(done.complete).toBe(true);
      expect(done.stats).toMatchObject({ accepted: 1500, duplicates: 0, retries: 2, rejected: 0, dropped: 0 });
      // Two failed tries of the first batch, then it and the rest went through.
      expect(s.logs().map((l) => l.body.points.length)).toEqual([1000, 1000, 1000, 500]);
      const id = await run.runId;
      expect((await stored(id)).pointCount).toBe(1500);
      expect(await storedSteps(id)).toEqual(Array.from({ length: 1500 }, (_, i) => i));
      expect(errors.messages).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('waits the Retry-After of a 429 before sending again', async () => {
    const s = await stub();
    let throttled = false;
    s.reply = (req) => {
      if (req.procedure !== 'runs.log' || throttled) return undefined;
      throttled = true;
      return { status: 429, body: { error: { message: 'rate limit' } }, headers: { 'retry-after': '1' } };
    };
    try {
      const run = new LrscopeClient({ url: s.url, apiKey: server.apiKey }).run({ name: 'ts-429' }, fastRetries);
      for (let step = 0; step < 10; step++) run.log(step, { lr: 0.001 });
      const done = await run.finish();
      expect(done.stats).toMatchObject({ accepted: 10, retries: 1 });
      const [first, second] = s.logs();
      expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    } finally {
      await s.close();
    }
  });

  it('does not retry a 4xx: a point the server names is dropped and the rest sent; other rejections drop the batch, reported once', async () => {
    const s = await stub();
    let named = false;
    s.reply = (req) => {
      if (req.procedure !== 'runs.log') return undefined;
      if (!named) {
        named = true;
        return { status: 400, body: { error: { message: 'points[1].lr: must be a finite number ≥ 0' } } };
      }
      if (req.body.points[0].step >= 100) return { status: 403, body: { error: { message: 'runId: run belongs to another project' } } };
      return undefined;
    };
    try {
      const errors = collectErrors();
      const run = new LrscopeClient({ url: s.url, apiKey: server.apiKey }).run({ name: 'ts-4xx' }, { ...fastRetries, batchSize: 50, onError: errors.onError });
      for (let step = 0; step < 200; step++) run.log(step, { lr: 0.001 });
      const done = await run.finish();
      expect(done.stats).toMatchObject({ accepted: 99, rejected: 101, retries: 0 });
      // 50 (named point) → 49 resent, 50, then two batches of 50 refused with 403, one attempt each.
      expect(s.logs().map((l) => l.body.points.length)).toEqual([50, 49, 50, 50, 50]);
      const id = await run.runId;
      expect(await storedSteps(id)).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 1));
      expect(errors.messages.filter((m) => m.includes('another project'))).toHaveLength(1);
      expect(errors.messages.filter((m) => m.includes('points[1].lr'))).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('reports a run the server refuses to create once, and drops its points without throwing', async () => {
    const s = await stub();
    try {
      const errors = collectErrors();
      const client = new LrscopeClient({ url: s.url, apiKey: 'lrs_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      const run = client.run({ name: 'ts-refused' }, { ...fastRetries, onError: errors.onError });
      for (let step = 0; step < 20; step++) run.log(step, { lr: 0.1 });
      await expect(run.runId).rejects.toMatchObject({ status: 401 });
      run.log(20, { lr: 0.1 });
      const done = await run.finish();
      expect(done.complete).toBe(false);
      expect(done.stats).toMatchObject({ rejected: 21, retries: 0 });
      expect(s.seen.map((r) => r.procedure)).toEqual(['runs.create']);
      expect(errors.messages).toHaveLength(1);
      expect(errors.messages[0]).toMatch(/refused to create run "ts-refused" \(HTTP 401/);
    } finally {
      await s.close();
    }
  });

  it('creates the run without a field the server refuses, so the points are still kept', async () => {
    const errors = collectErrors();
    const run = new LrscopeClient({ url: server.url, apiKey: server.apiKey }).run(
      { name: 'ts-bad-schedule', schedule: { name: 'MultiStep', params: {} }, stepsPerEpoch: 10 },
      { onError: errors.onError },
    );
    run.log(0, { lr: 0.1 });
    expect((await run.finish()).complete).toBe(true);
    const r = await stored(await run.runId);
    expect(r).toMatchObject({ pointCount: 1, schedule: null, stepsPerEpoch: 10 });
    expect(errors.messages[0]).toMatch(/refused schedule \(schedule\.name: unknown scheduler "MultiStep"/);
  });

  it('keeps the newest points within maxBufferedPoints while the server is down, and sends them when it is back', async () => {
    const s = await stub();
    let down = true;
    s.reply = () => (down ? { status: 502, body: { error: { message: 'bad gateway' } } } : undefined);
    try {
      const errors = collectErrors();
      const run = new LrscopeClient({ url: s.url, apiKey: server.apiKey }).run({ name: 'ts-bounded' }, { ...fastRetries, batchSize: 100, maxBufferedPoints: 500, onError: errors.onError });
      for (let step = 0; step < 5000; step++) run.log(step, { lr: 0.001 });
      expect(run.stats()).toMatchObject({ logged: 5000, buffered: 500, dropped: 4500 });
      await new Promise((r) => setTimeout(r, 200));
      down = false;
      const done = await run.finish();
      expect(done.stats).toMatchObject({ accepted: 500, dropped: 4500, buffered: 0 });
      expect(await storedSteps(await run.runId)).toEqual(Array.from({ length: 500 }, (_, i) => 4500 + i));
      expect(errors.messages.some((m) => m.startsWith(`${s.url} answers HTTP 502 (bad gateway); retrying in the background`))).toBe(true);
      expect(errors.messages.some((m) => m.includes('dropping the oldest'))).toBe(true);
      expect(errors.messages.some((m) => m.includes('reachable again'))).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('finish() gives up after its timeout when the server stays unreachable', async () => {
    const errors = collectErrors();
    const run = new LrscopeClient({ url: await closedPortUrl(), apiKey: server.apiKey }).run({ name: 'ts-unreachable' }, { ...fastRetries, flushTimeoutMs: 400, onError: errors.onError });
    for (let step = 0; step < 10; step++) run.log(step, { lr: 0.1 });
    const t0 = Date.now();
    const done = await run.finish();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(done).toMatchObject({ complete: false, stats: { accepted: 0, dropped: 10, buffered: 0 } });
    await expect(run.runId).rejects.toBeInstanceOf(LrscopeError);
    expect(errors.messages.filter((m) => m.startsWith('cannot reach'))).toHaveLength(1);
  });
});
