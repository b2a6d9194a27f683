// PENDING: bad-input cases the server does not handle yet (found by bad-input.test.ts). These
// fail today and are kept out of the passing suite on purpose; the lead enables them (moves
// them into bad-input.test.ts) once the server is fixed. Each test states the promise it holds
// the server to: DESIGN "Reliability" — bad input gets a clear 4xx naming the field, never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startServer();
  key = server.apiKey;
});
afterAll(() => server?.stop());

const notServerError = (status: number) => status < 500;

describe('config nested deeper than the JSON parser can go', () => {
  // Repro (both DBs): POST /api/trpc/runs.create with {"name":"d","config":{"a":{"a":… 5,000 levels …}}}
  // → 400 "Maximum call stack size exceeded" (no field named; up to ~2,000 levels the reply is
  // "config: must nest at most 20 levels deep").
  it('a 5,000-level config is refused with a message naming config', async () => {
    const d = 5_000;
    const body = `{"name":"deep","config":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`;
    const res = await fetch(`${server.url}/api/trpc/runs.create`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    const json = await res.json();
    expect(res.status).toBe(400);
    expect(json.error.message).toMatch(/config|nest|deep/);
    expect(data<any>(await query(server.url, 'runs.list', {})).runs.filter((r: any) => r.name === 'deep')).toEqual([]);
  });
});

describe('finite values near the top of the double range', () => {
  // Repro (api-postgres): POST /api/trpc/runs.log
  //   {"runId":N,"points":[{"step":0,"lr":1e308},{"step":64,"lr":0},{"step":1,"lr":1e308}]}
  // → 500 "value out of range: overflow" (each value is a finite double, accepted by validation;
  // only when the batch is out of order: the same three points in step order, or in two
  // batches, are stored — so the out-of-order path computes an aggregate, a sum?, that overflows
  // float8). SQLite accepts it. Found by fast-check (bad-input.test.ts, edge-valid points).
  it.each([
    ['lr', (s: number) => ({ step: s, lr: 1e308 })],
    ['loss', (s: number) => ({ step: s, lr: 0.1, loss: 1e308 })],
    ['a metric', (s: number) => ({ step: s, lr: 0.1, metrics: { gnorm: 1.7e308 } })],
  ])('%s of 1e308 at two steps, in an out-of-order batch, is stored (or refused with a 400 naming the field), never a 5xx', async (_label, point) => {
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'huge-values' }, key)).id;
    const r = await mutate(server.url, 'runs.log', { runId: id, points: [point(0), { step: 64, lr: 0 }, point(1)] }, key);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBeLessThan(500);
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run.pointCount).toBe(r.status === 200 ? 3 : 0);
  });
});
