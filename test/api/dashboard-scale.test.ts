// What the dashboard reads at scale: runs sorted and paged on the server over all runs, a run's
// health (NaN loss, stalled) beside its verdict, alerts filtered with exact counts and
// acknowledged in bulk, and API replies compressed by Accept-Encoding.
import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectKey } from '../helpers/project-key';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;
const COQUI = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4]] }, interval: 'step' };

async function create(input: Record<string, unknown>) {
  return data<{ id: number }>(await mutate(server.url, 'runs.create', input, server.apiKey)).id;
}
async function log(runId: number, points: unknown[]) {
  return data(await mutate(server.url, 'runs.log', { runId, points }, server.apiKey));
}
async function list(input: Record<string, unknown>) {
  return data<{ runs: any[]; nextCursor: string | null }>(await query(server.url, 'runs.list', input));
}
async function all(input: Record<string, unknown>, limit: number) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await list({ ...input, limit, ...(cursor ? { cursor } : {}) });
    expect(page.runs.length).toBeLessThanOrEqual(limit);
    out.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
const stuck = (from: number, to: number) => Array.from({ length: (to - from) / 100 }, (_, i) => ({ step: from + i * 100, lr: 5e-4, loss: 1 }));

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

describe('runs.list sorted on the server', () => {
  let ids: number[] = [];
  beforeAll(async () => {
    // 13 runs: lastStep 0..1200 (some without points), every fourth flagged.
    for (let i = 0; i < 13; i++) {
      const id = await create({ name: `sort-${String.fromCharCode(109 - i)}-${i}`, tags: ['sorting'], ...(i % 4 === 0 ? { schedule: COQUI } : {}) });
      if (i % 4 === 0) await log(id, stuck(0, 12_000));
      else if (i % 3 !== 0) await log(id, [{ step: i * 100, lr: 0.01 * i, loss: 1 }]);
      ids.push(id);
    }
  });

  it('pages every sort over all matching runs in order, without gaps or repeats', async () => {
    for (const sort of ['lastSeen', 'started', 'name', 'status', 'lastStep', 'lr', 'verdict'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const whole = (await list({ search: 'sort-', sort, dir, limit: 100 })).runs.map((r) => r.id);
        const paged = (await all({ search: 'sort-', sort, dir }, 4)).map((r) => r.id);
        expect(paged, `${sort} ${dir}`).toEqual(whole);
        expect(new Set(paged).size, `${sort} ${dir}`).toBe(ids.length);
      }
    }
  });

  it('verdict desc puts every flagged run first; lastStep puts runs without points last either way', async () => {
    const byVerdict = await all({ search: 'sort-', sort: 'verdict', dir: 'desc' }, 3);
    expect(byVerdict.slice(0, 4).map((r) => r.verdict.flagged)).toEqual([true, true, true, true]);
    expect(byVerdict.slice(4).every((r) => !r.verdict.flagged)).toBe(true);
    for (const dir of ['asc', 'desc'] as const) {
      const steps = (await all({ search: 'sort-', sort: 'lastStep', dir }, 5)).map((r) => r.lastStep);
      const known = steps.filter((s) => s !== null);
      expect(steps.slice(known.length).every((s) => s === null), dir).toBe(true);
      expect(known, dir).toEqual([...known].sort((a, b) => (dir === 'asc' ? a - b : b - a)));
    }
    const names = (await all({ search: 'sort-', sort: 'name', dir: 'asc' }, 5)).map((r) => r.name);
    expect(names).toEqual([...names].sort());
  });

  it('filters by a substring of the project name', async () => {
    expect((await list({ project: 'efaul', search: 'sort-' })).runs).toHaveLength(13);
    expect((await list({ project: 'nope', search: 'sort-' })).runs).toHaveLength(0);
  });

  it('refuses a cursor from another sort order, naming the field', async () => {
    const { nextCursor } = await list({ search: 'sort-', sort: 'name', limit: 2 });
    const r = await query(server.url, 'runs.list', { search: 'sort-', sort: 'lr', limit: 2, cursor: nextCursor });
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(/^cursor: belongs to another sort order/);
    const bad = await query(server.url, 'runs.list', { sort: 'size' });
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toMatch(/^sort: must be one of lastSeen/);
  });
});

describe('run health', () => {
  it('a NaN loss shows as the run’s health from the step it started, and clears with a finite loss', async () => {
    const id = await create({ name: 'goes-nan', schedule: COQUI });
    await log(id, stuck(0, 8000));
    const nan = Array.from({ length: 20 }, (_, i) => ({ step: 8000 + i * 100, lr: 5e-4, loss: i < 4 ? 1 : 'NaN' }));
    await log(id, nan);
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run.verdict.flagged).toBe(false);
    expect(run.health).toEqual([{ kind: 'nonfinite_loss', step: 8400, since: expect.any(String) }]);
    expect((await list({ search: 'goes-nan' })).runs[0].health).toHaveLength(1);
    await log(id, [{ step: 10_000, lr: 5e-4, loss: 0.9 }]);
    expect(data<any>(await query(server.url, 'runs.get', { id })).run.health).toEqual([]);
  });
});

describe('alerts at scale', () => {
  it('filters by kind and run with exact counts, and acknowledges by id or by filter', async () => {
    const runs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await create({ name: `alerting-${i}`, schedule: COQUI });
      await log(id, stuck(0, 12_000));
      await log(id, [{ step: 12_000, lr: 5e-4, loss: 'Infinity' }]);
      runs.push(id);
    }
    const page = data<any>(await query(server.url, 'alerts.list', { state: 'active', kind: 'nonfinite_loss', limit: 2 }));
    expect(page.alerts).toHaveLength(2);
    expect(page.alerts.every((a: any) => a.kind === 'nonfinite_loss')).toBe(true);
    expect(page.openCount).toBe(4);
    expect(page.kinds).toEqual([{ kind: 'nonfinite_loss', count: 4 }]);
    const both = data<any>(await query(server.url, 'alerts.list', { state: 'active', runId: runs[0] }));
    expect(both.kinds).toEqual([
      { kind: 'flagged', count: 1 },
      { kind: 'nonfinite_loss', count: 1 },
    ]);

    const ids = page.alerts.map((a: any) => a.id);
    // A change: the dashboard (session + header) or a project key, never open.
    expect((await mutate(server.url, 'alerts.acknowledgeMany', { ids })).status, 'no credential').toBe(401);
    expect(data(await mutate(server.url, 'alerts.acknowledgeMany', { ids }, projectKey(server, 'other-team'))), "another project's key reaches none").toEqual({ acknowledged: 0 });
    const key = server.apiKey;
    expect(data(await mutate(server.url, 'alerts.acknowledgeMany', { ids }, key))).toEqual({ acknowledged: 2 });
    expect(data<any>(await query(server.url, 'alerts.list', { state: 'active', kind: 'nonfinite_loss' })).openCount).toBe(2);
    expect(data(await mutate(server.url, 'alerts.acknowledgeMany', { kind: 'nonfinite_loss' }, key))).toEqual({ acknowledged: 2 });
    expect(data(await mutate(server.url, 'alerts.acknowledgeMany', { kind: 'nonfinite_loss' }, key)), 'nothing left open').toEqual({ acknowledged: 0 });
    const after = data<any>(await query(server.url, 'alerts.list', { state: 'active', kind: 'nonfinite_loss' }));
    expect(after.alerts.map((a: any) => a.state)).toEqual(['acknowledged', 'acknowledged', 'acknowledged', 'acknowledged']);
    expect(data<any>(await query(server.url, 'alerts.list', { state: 'open', kind: 'flagged' })).openCount).toBeGreaterThanOrEqual(4);

    const bad = await mutate(server.url, 'alerts.acknowledgeMany', { ids: [] }, key);
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toMatch(/must name at least one alert|must be \{ ids \}/);
  });
});

function rawGet(path: string, acceptEncoding?: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
  });
}

describe('compression', () => {
  it('sends API JSON as brotli or gzip by Accept-Encoding, and plain without it', async () => {
    const id = await create({ name: 'compress-me' });
    await log(id, Array.from({ length: 3000 }, (_, i) => ({ step: i, lr: 0.1 / (1 + i), loss: Math.sin(i) + 2 })));
    const path = `/api/trpc/runs.series?input=${encodeURIComponent(JSON.stringify({ runId: id, metric: 'loss', maxPoints: 2000 }))}`;
    const plain = await rawGet(path);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(plain.body.toString());
    expect(json.result.data.points.length).toBeGreaterThan(1000);

    const br = await rawGet(path, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('accept-encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    const gz = await rawGet(path, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect((await rawGet(path, 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');

    // Small replies are not worth it; errors and health checks stay as they were.
    expect((await rawGet('/api/trpc/alerts.count', 'br')).headers['content-encoding']).toBeUndefined();
    expect((await rawGet('/healthz', 'br')).headers['content-encoding']).toBeUndefined();
  });
});
