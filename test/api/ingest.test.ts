// The ingest API over real HTTP against the real server process: the contract in the
// foundation issue, every bad input it names, and "nothing stored changes" after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@/server/api/limits';
import { sql, sqlWrite } from '../helpers/raw-db';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;
let key: string;

const multiStep = { name: 'MultiStepLR', params: { milestones: [2, 4], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 };

async function newRun(extra: Record<string, unknown> = {}) {
  return data<{ id: number }>(await mutate(server.url, 'runs.create', { name: `run-${Math.random()}`, ...extra }, key)).id;
}

async function stored(runId: number) {
  const run = data<any>(await query(server.url, 'runs.get', { id: runId })).run;
  const lr = data<any>(await query(server.url, 'runs.series', { runId, metric: 'lr', maxPoints: 10_000 })).points;
  return { pointCount: run.pointCount, lastStep: run.lastStep, lr };
}

beforeAll(async () => {
  server = await startServer();
  key = server.apiKey;
  expect(key).toMatch(/^lrs_/);
});
afterAll(() => server?.stop());

describe('runs.create', () => {
  it('creates a run in the key project and returns its id', async () => {
    const r = await mutate(server.url, 'runs.create', { name: 'resnet50', schedule: multiStep, stepsPerEpoch: 100, config: { bs: 64 }, tags: ['baseline'] }, key);
    expect(r.status).toBe(200);
    const { id } = data(r);
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run).toMatchObject({ id, name: 'resnet50', project: 'default', status: 'running', stepsPerEpoch: 100, config: { bs: 64 }, tags: ['baseline'], pointCount: 0 });
    expect(run.schedule).toMatchObject({ name: 'MultiStepLR', interval: 'epoch', baseLr: 0.1 });
    expect(run.verdict).toMatchObject({ flagged: false, causes: [] });
  });

  it('returns the same run when created twice with one clientId', async () => {
    const a = data<any>(await mutate(server.url, 'runs.create', { name: 'x', clientId: 'c-123' }, key));
    const b = data<any>(await mutate(server.url, 'runs.create', { name: 'x', clientId: 'c-123' }, key));
    expect(b.id).toBe(a.id);
  });

  it('a run without schedule reports the no-schedule verdict', async () => {
    const id = await newRun();
    expect(data<any>(await query(server.url, 'runs.get', { id })).run.verdict).toMatchObject({ kind: 'no_schedule', flagged: false });
  });

  it('rejects a schedule spec that does not parse, naming the field', async () => {
    const r = await mutate(server.url, 'runs.create', { name: 'bad', schedule: { name: 'MultiStepLR', params: { milestones: 'soon' }, baseLr: 0.1 } }, key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(/^schedule\.params\.milestones/);
  });

  it('rejects an unknown scheduler name', async () => {
    const r = await mutate(server.url, 'runs.create', { name: 'bad', schedule: { name: 'MultiStep', params: {} } }, key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(/^schedule\.name: .*MultiStepLR/);
  });

  it('rejects a project other than the key project with 403', async () => {
    const r = await mutate(server.url, 'runs.create', { name: 'x', project: 'someone-else' }, key);
    expect(r.status).toBe(403);
    expect(r.body.error!.message).toMatch(/^project: .*"default"/);
  });

  it.each([
    [{}, /^name: /],
    [{ name: '' }, /^name: must not be empty/],
    [{ name: 5 }, /^name: must be a string/],
    [{ name: 'x', stepsPerEpoch: 0 }, /^stepsPerEpoch: must be a positive integer/],
    [{ name: 'x', stepsPerEpoch: 2.5 }, /^stepsPerEpoch: must be a positive integer/],
    [{ name: 'x', tags: 'a' }, /^tags: /],
    [{ name: 'x', config: [1, 2] }, /^config: must be a JSON object/],
    [{ name: 'x', colour: 'red' }, /colour/],
  ])('rejects %j with a 400 naming the field', async (input, message) => {
    const r = await mutate(server.url, 'runs.create', input, key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(message);
  });
});

describe('authentication', () => {
  it('401 without a key, naming how to get one', async () => {
    const r = await mutate(server.url, 'runs.create', { name: 'x' });
    expect(r.status).toBe(401);
    expect(r.body.error!.message).toMatch(/Authorization: Bearer/);
  });

  it('401 with a wrong key of the right shape, and with garbage', async () => {
    const wrong = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await mutate(server.url, 'runs.create', { name: 'x' }, wrong)).status).toBe(401);
    expect((await mutate(server.url, 'runs.create', { name: 'x' }, 'hunter2')).status).toBe(401);
  });

  it('401 for a revoked key from its very next request, even when another process revoked it', async () => {
    const revoked = await createKey('revoke-me');
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'doomed' }, revoked)).id;
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 0, lr: 0.1 }] }, revoked));
    await cli('keys', 'revoke', revoked);
    const r = await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 1, lr: 0.1 }] }, revoked);
    expect(r.status).toBe(401);
    expect(r.body.error!.message).toMatch(/revoked/);
    expect((await stored(id)).pointCount).toBe(1);
  });

  it('401 on every write procedure', async () => {
    const id = await newRun();
    for (const [proc, input] of [
      ['runs.log', { runId: id, points: [{ step: 0, lr: 0.1 }] }],
      ['runs.finish', { runId: id }],
      ['runs.update', { runId: id, stepsPerEpoch: 3 }],
    ] as const) {
      expect((await mutate(server.url, proc, input)).status, proc).toBe(401);
    }
    expect((await stored(id)).pointCount).toBe(0);
  });
});

describe('runs.log', () => {
  it('stores a batch and reports how many points were accepted', async () => {
    const id = await newRun();
    const points = Array.from({ length: 1000 }, (_, i) => ({ step: i, lr: 0.1, loss: 2 - i / 1000, epoch: Math.floor(i / 100) }));
    const r = await mutate(server.url, 'runs.log', { runId: id, points }, key);
    expect(data(r)).toEqual({ accepted: 1000, duplicates: 0 });
    expect(await stored(id)).toMatchObject({ pointCount: 1000, lastStep: 999 });
  });

  it('re-sending a batch changes nothing', async () => {
    const id = await newRun();
    const points = [0, 1, 2].map((step) => ({ step, lr: 0.1 * (step + 1) }));
    data(await mutate(server.url, 'runs.log', { runId: id, points }, key));
    const before = await stored(id);
    const again = data(await mutate(server.url, 'runs.log', { runId: id, points: points.map((p) => ({ ...p, lr: 9 })) }, key));
    expect(again).toEqual({ accepted: 0, duplicates: 3 });
    expect(await stored(id)).toEqual(before);
  });

  it('a batch overlapping stored steps stores only the new points and their metrics', async () => {
    const id = await newRun();
    const mk = (from: number, to: number, acc: number) => Array.from({ length: to - from }, (_, i) => ({ step: from + i, lr: 0.1, loss: 1, metrics: { acc } }));
    // Sizes around the store's 100-row statements: a remainder, a whole chunk, chunk plus remainder.
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: mk(0, 99, 1) }, key))).toEqual({ accepted: 99, duplicates: 0 });
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: mk(99, 199, 1) }, key))).toEqual({ accepted: 100, duplicates: 0 });
    const overlap = [...mk(150, 199, 2), ...mk(199, 400, 2)].reverse();
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: overlap }, key))).toEqual({ accepted: 201, duplicates: 49 });
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run).toMatchObject({ pointCount: 400, lastStep: 399 });
    const acc = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'acc', maxPoints: 10_000 })).points;
    expect(acc).toHaveLength(400);
    expect(acc.filter((p: any) => p.value === 1).map((p: any) => p.step)).toEqual(Array.from({ length: 199 }, (_, i) => i));
  });

  it('metrics logged later for a stored step (an eval after its train step) are added; the first value of a metric at a step wins', async () => {
    const id = await newRun();
    // 60,000 steps: enough that a wide chart read uses the pyramid (the late values must be in it).
    for (let b = 0; b < 6; b++) {
      const train = Array.from({ length: 10_000 }, (_, i) => ({ step: b * 10_000 + i, lr: 0.1, ...(i % 1000 === 0 ? { metrics: { grad_norm: 1 } } : {}) }));
      data(await mutate(server.url, 'runs.log', { runId: id, points: train }, key));
    }
    // The evals arrive afterwards, with lr repeated (ignored: the step is stored).
    const evals = [10_000, 20_000].map((step, i) => ({ step, lr: 0.5, metrics: { val_acc: 0.8 + i / 10, grad_norm: 7 } }));
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: evals }, key))).toEqual({ accepted: 0, duplicates: 2 });
    const series = async (metric: string, range = {}) => data<any>(await query(server.url, 'runs.series', { runId: id, metric, maxPoints: 10_000, ...range }));
    expect((await series('val_acc', { fromStep: 0, toStep: 9_999 })).points).toEqual([]);
    expect((await series('val_acc', { fromStep: 9_000, toStep: 21_000 })).points.map((p: any) => [p.step, p.value])).toEqual([
      [10_000, 0.8],
      [20_000, 0.9],
    ]);
    const grad = (await series('grad_norm', { fromStep: 9_000, toStep: 21_000 })).points;
    expect(grad.filter((p: any) => p.step % 10_000 === 0).map((p: any) => p.value), 'grad_norm at 10,000 and 20,000 keeps its first value').toEqual([1, 1]);
    expect((await series('lr', { fromStep: 10_000, toStep: 10_000 })).points[0].value).toBe(0.1);
    // A re-sent eval changes nothing.
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 10_000, metrics: { val_acc: 0.1 } }] }, key));
    expect((await series('val_acc', { fromStep: 10_000, toStep: 10_000 })).points[0].value).toBe(0.8);
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run).toMatchObject({ pointCount: 60_000, lastStep: 59_999 });
    expect(run.metricNames).toContain('val_acc');
    // The chart pyramid counted the late values: one bucket over both.
    const wide = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'val_acc', maxPoints: 2 }));
    expect(wide.bucket).toBeGreaterThanOrEqual(30_000);
    expect(wide.points).toHaveLength(1);
    expect(wide.points[0]).toMatchObject({ min: 0.8, max: 0.9 });
    expect(wide.points[0].value).toBeCloseTo(0.85, 12);
    const gradWide = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'grad_norm', maxPoints: 2 }));
    expect(gradWide.points.map((p: any) => p.max), 'the ignored grad_norm of 7 is not in the pyramid').toEqual([1, 1]);
  });

  it('accepts steps out of order and keeps the highest as the last step', async () => {
    const id = await newRun();
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 50, lr: 0.05 }] }, key));
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 10, lr: 0.1 }, { step: 30, lr: 0.07 }] }, key));
    const s = await stored(id);
    expect(s.lastStep).toBe(50);
    expect(s.lr.map((p: any) => p.step)).toEqual([10, 30, 50]);
    expect(data<any>(await query(server.url, 'runs.get', { id })).run.lastLr).toBe(0.05);
  });

  it('marks the run alive and records metrics, lrs and non-finite loss', async () => {
    const id = await newRun();
    const t0 = data<any>(await query(server.url, 'runs.get', { id })).run.lastSeenAt;
    await new Promise((r) => setTimeout(r, 10));
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 0, lr: 0.1, lrs: [0.1, 0.01], loss: 'NaN', metrics: { acc: 0.5, 'grad/norm': 3 } }] }, key));
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(Date.parse(run.lastSeenAt)).toBeGreaterThan(Date.parse(t0));
    expect(run.metricNames).toEqual(['acc', 'grad/norm']);
    expect(data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'grad/norm' })).points).toEqual([{ step: 0, value: 3, min: 3, max: 3 }]);
  });

  it("stores each point's schedulerStep (the scheduler's own counter), null where a point has none", async () => {
    const id = await newRun({ schedule: { ...multiStep, frequency: 2 }, stepsPerEpoch: 10 });
    expect(data<any>(await query(server.url, 'runs.get', { id })).run.schedule.frequency).toBe(2);
    const points = [{ step: 0, lr: 0.1, schedulerStep: 0 }, { step: 1, lr: 0.1 }, { step: 2, lr: 0.1, lrs: [0.1, 0.01], schedulerStep: 2 }];
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points }, key))).toMatchObject({ accepted: 3 });
    const rows = await sql<{ step: number; schedulerStep: number | null }>(server.databaseUrl, 'SELECT "step", "schedulerStep" FROM "Point" WHERE "runId" = $1 ORDER BY "step"', [id]);
    expect(rows.map((r) => [Number(r.step), r.schedulerStep === null ? null : Number(r.schedulerStep)])).toEqual([[0, 0], [1, null], [2, 2]]);
    const bad = await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 3, lr: 0.1, schedulerStep: -1 }] }, key);
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toMatch(/^points\[0\]\.schedulerStep: must be an integer ≥ 0/);
  });

  it('accepts a batch of 10,000 points and refuses 10,001', async () => {
    const id = await newRun();
    const mk = (n: number) => Array.from({ length: n }, (_, i) => ({ step: i, lr: 0.1 }));
    const tooMany = await mutate(server.url, 'runs.log', { runId: id, points: mk(10_001) }, key);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error!.message).toMatch(/^points: at most 10000 points per batch/);
    expect((await stored(id)).pointCount).toBe(0);
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: mk(10_000) }, key))).toEqual({ accepted: 10_000, duplicates: 0 });
  });

  it(`a run holds at most ${LIMITS.pointsPerRun.toLocaleString('en')} points: the batch that would pass it is refused whole (413), naming the limit`, async () => {
    const id = await newRun();
    data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 0, lr: 0.1 }] }, key));
    // 20M points are not logged here: the run's counter is put one short of the limit.
    await sqlWrite(server.databaseUrl, 'UPDATE "Run" SET "pointCount" = $1 WHERE "id" = $2', [LIMITS.pointsPerRun - 1, id]);
    const over = await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 1, lr: 0.1 }, { step: 2, lr: 0.1 }] }, key);
    expect(over.status).toBe(413);
    expect(over.body.error!.message).toBe(`runId: run ${id} holds ${LIMITS.pointsPerRun - 1} points; a run may hold at most ${LIMITS.pointsPerRun} (log every Nth step, or start a new run)`);
    expect((await stored(id)).lr.map((p: any) => p.value), 'nothing of the refused batch').toEqual([0.1]);
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 1, lr: 0.1 }] }, key)), 'up to the limit').toEqual({ accepted: 1, duplicates: 0 });
    expect((await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 2, lr: 0.1 }] }, key)).status).toBe(413);
  });

  it(`a run logs at most ${LIMITS.metricNamesPerRun} distinct metric names, across batches`, async () => {
    const id = await newRun();
    const names = (from: number, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${from + i}`, i]));
    // 100 metrics per point (its own limit), 10 points: 1,000 names.
    const points = Array.from({ length: 10 }, (_, p) => ({ step: p, lr: 0.1, metrics: names(p * 100, 100) }));
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points }, key))).toEqual({ accepted: 10, duplicates: 0 });
    // Names it already has are fine; one more is not.
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 10, metrics: { m0: 1, m999: 2 } }] }, key))).toEqual({ accepted: 1, duplicates: 0 });
    const over = await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 11, metrics: { m0: 1, brand_new: 2 } }] }, key);
    expect(over.status).toBe(400);
    expect(over.body.error!.message).toBe(`points: a run may log at most ${LIMITS.metricNamesPerRun} distinct metric names; this batch would make it ${LIMITS.metricNamesPerRun + 1}`);
    expect((await stored(id)).pointCount).toBe(11);
  });

  // One bad point anywhere rejects the whole batch: all or nothing.
  it.each([
    ['a negative LR', { step: 5, lr: -0.1 }, /^points\[1\]\.lr: must be a finite number ≥ 0/],
    ['an infinite LR', '{"step":5,"lr":1e999}', /^points\[1\]\.lr: must be a finite number ≥ 0/],
    ['a NaN LR', { step: 5, lr: 'NaN' }, /^points\[1\]\.lr: must be a finite number ≥ 0/],
    ['a negative step', { step: -1, lr: 0.1 }, /^points\[1\]\.step: must be an integer ≥ 0/],
    ['a fractional step', { step: 1.5, lr: 0.1 }, /^points\[1\]\.step: must be an integer ≥ 0/],
    ['a string step', { step: '7', lr: 0.1 }, /^points\[1\]\.step: must be an integer ≥ 0/],
    ['a missing step', { lr: 0.1 }, /^points\[1\]\.step: /],
    ['an unknown field', { step: 5, lr: 0.1, learning_rate: 0.1 }, /^points\[1\]: unknown field\(s\) learning_rate/],
    ['a bad metric value', { step: 5, metrics: { acc: 'high' } }, /^points\[1\]\.metrics\.acc: must be a number/],
    ['a bad metric name', { step: 5, metrics: { 'a b': 1 } }, /^points\[1\]\.metrics/],
    ['lrs with a negative group', { step: 5, lrs: [0.1, -1] }, /^points\[1\]\.lrs\[1\]: must be a finite number ≥ 0/],
    ['a duplicate step', { step: 0, lr: 0.1 }, /^points\[1\]\.step: duplicate step 0/],
  ])('rejects a batch with %s and stores none of it', async (_label, bad, message) => {
    const id = await newRun();
    const body = typeof bad === 'string' ? `{"runId":${id},"points":[{"step":0,"lr":0.1},${bad}]}` : JSON.stringify({ runId: id, points: [{ step: 0, lr: 0.1 }, bad] });
    const res = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
    const json = await res.json();
    expect(res.status).toBe(400);
    expect(json.error.message).toMatch(message);
    expect(await stored(id)).toEqual({ pointCount: 0, lastStep: null, lr: [] });
  });

  it.each([
    ['points missing', (id: number) => ({ runId: id }), /^points: /],
    ['points not a list', (id: number) => ({ runId: id, points: { step: 0 } }), /^points: must be a list of points/],
    ['an empty batch', (id: number) => ({ runId: id, points: [] }), /^points: must hold at least one point/],
    ['a string runId', (id: number) => ({ runId: String(id), points: [{ step: 0 }] }), /^runId: must be a run id/],
  ])('rejects %s with a 400', async (_label, make, message) => {
    const id = await newRun();
    const r = await mutate(server.url, 'runs.log', make(id), key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(message);
    expect((await stored(id)).pointCount).toBe(0);
  });

  it('404 for an unknown run', async () => {
    const r = await mutate(server.url, 'runs.log', { runId: 999_999, points: [{ step: 0, lr: 0.1 }] }, key);
    expect(r.status).toBe(404);
    expect(r.body.error!.message).toBe('runId: no run 999999');
  });

  it('403 for a run of another project, which stays unchanged', async () => {
    const other = await createKey('other-project');
    const theirs = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'theirs' }, other)).id;
    const r = await mutate(server.url, 'runs.log', { runId: theirs, points: [{ step: 0, lr: 0.1 }] }, key);
    expect(r.status).toBe(403);
    expect(r.body.error!.message).toMatch(/^runId: run \d+ belongs to another project/);
    expect((await stored(theirs)).pointCount).toBe(0);
    expect((await mutate(server.url, 'runs.finish', { runId: theirs }, key)).status).toBe(403);
  });

  it('rejects malformed JSON and a wrong content type without storing anything', async () => {
    const id = await newRun();
    const broken = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"runId":' });
    expect(broken.status).toBe(400);
    const form = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x', authorization: `Bearer ${key}` }, body: JSON.stringify({ runId: id, points: [{ step: 0, lr: 0.1 }] }) });
    expect(form.status).toBe(415);
    expect((await form.json()).error.message).toBe('send the body as JSON with Content-Type: application/json (got "multipart/form-data; boundary=x")');
    expect((await stored(id)).pointCount).toBe(0);
  });

  it('takes JSON whatever the case of its media type and with a charset', async () => {
    const id = await newRun();
    for (const [i, type] of ['application/json; charset=utf-8', 'Application/JSON'].entries()) {
      const res = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': type, authorization: `Bearer ${key}` }, body: JSON.stringify({ runId: id, points: [{ step: i, lr: 0.1 }] }) });
      expect(res.status, type).toBe(200);
    }
    expect((await stored(id)).pointCount).toBe(2);
  });
});

describe('runs.finish and runs.update', () => {
  it('finishes a run, or marks it crashed', async () => {
    const a = await newRun();
    const b = await newRun();
    data(await mutate(server.url, 'runs.finish', { runId: a }, key));
    data(await mutate(server.url, 'runs.finish', { runId: b, status: 'crashed' }, key));
    const ra = data<any>(await query(server.url, 'runs.get', { id: a })).run;
    expect(ra.status).toBe('finished');
    expect(ra.finishedAt).not.toBeNull();
    expect(data<any>(await query(server.url, 'runs.get', { id: b })).run.status).toBe('crashed');
    const bad = await mutate(server.url, 'runs.finish', { runId: a, status: 'paused' }, key);
    expect(bad.status).toBe(400);
    expect(bad.body.error!.message).toBe('status: must be "finished" or "crashed"');
  });

  it('records the schedule and cadence a trainer learns after creating the run', async () => {
    const id = await newRun();
    data(await mutate(server.url, 'runs.update', { runId: id, schedule: multiStep, stepsPerEpoch: 50, cadence: { optimizerSteps: 100, schedulerSteps: 2, medianGap: 50 } }, key));
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run).toMatchObject({ stepsPerEpoch: 50, cadence: { optimizerSteps: 100, schedulerSteps: 2, medianGap: 50 } });
    expect(run.schedule.name).toBe('MultiStepLR');
  });
});

async function createKey(project: string): Promise<string> {
  return cli('keys', 'create', '--project', project);
}

/** Runs the lrscope CLI on the server's database, in its own process. */
async function cli(...args: string[]): Promise<string> {
  const { spawnSync } = await import('node:child_process');
  const { ROOT } = await import('../helpers/server');
  const r = spawnSync(process.execPath, ['bin/lrscope.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: server.databaseUrl },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

describe('ReduceLROnPlateau, replayed on the values its scheduler.step(metric) calls were given', () => {
  const plateau = { name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 1 } };
  const cadence = { optimizerSteps: 60, schedulerSteps: 6, medianGap: 10, metric: 'scheduler_metric' };
  const epochs = (lrAt: (step: number) => number) => Array.from({ length: 60 }, (_, step) => ({ step, lr: lrAt(step) }));
  // One value per epoch, after its last step; no improvement after the first: a reduction after step 29.
  const given = [9, 19, 29, 39, 49].map((step) => ({ step, metrics: { scheduler_metric: 1 } }));
  // The way lrscope.torch.watch describes a run: the schedule at creation, the cadence as observed.
  const plateauRun = async (name: string) => {
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name, schedule: plateau, stepsPerEpoch: 10 }, key)).id;
    data(await mutate(server.url, 'runs.update', { runId: id, cadence }, key));
    return id;
  };

  it('flags a reduction that did not take effect, also when the values arrive after their steps', async () => {
    const id = await plateauRun('plateau-stuck');
    data(await mutate(server.url, 'runs.log', { runId: id, points: epochs(() => 0.1) }, key));
    expect(data<any>(await query(server.url, 'runs.get', { id })).run.verdict.message).toBe('ReduceLROnPlateau: scheduler.step(metric) has not been called yet, so there is nothing to replay.');
    // The values come later, for stored steps (a batch of metrics only).
    expect(data(await mutate(server.url, 'runs.log', { runId: id, points: given }, key))).toEqual({ accepted: 0, duplicates: 5 });
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run.verdict).toMatchObject({ kind: 'flagged', flagged: true, causes: ['stuck'], firstBadStep: 30, expected: 0.05, actual: 0.1 });
  });

  it('finds nothing wrong when the LR follows, with the values sent along with the points', async () => {
    const id = await plateauRun('plateau-ok');
    const points = epochs((step) => (step >= 50 ? 0.025 : step >= 30 ? 0.05 : 0.1)).map((p) => ({ ...p, ...(given.find((g) => g.step === p.step) ?? {}) }));
    data(await mutate(server.url, 'runs.log', { runId: id, points }, key));
    const run = data<any>(await query(server.url, 'runs.get', { id })).run;
    expect(run.verdict).toMatchObject({ kind: 'ok', flagged: false });
    expect(run.verdict.message).toBe('ReduceLROnPlateau, replayed on the 5 values passed to scheduler.step(): 2 reductions, each took effect.');
    // The chart's expected line is the replay, from the first reduction on; before it the LR is the run's own.
    const expected = data<any>(await query(server.url, 'runs.series', { runId: id, metric: 'expected_lr', maxPoints: 10_000 })).points;
    expect(expected.map((p: any) => [p.step, p.value])).toEqual(Array.from({ length: 30 }, (_, i) => [30 + i, i >= 20 ? 0.025 : 0.05]));
    expect(run.expectedLr).toBe(0.025);
  });

  it('refuses a cadence metric other than scheduler_metric', async () => {
    const id = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'plateau-bad', schedule: plateau }, key)).id;
    const r = await mutate(server.url, 'runs.update', { runId: id, cadence: { ...cadence, metric: 'val_loss' } }, key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(/^cadence\.metric: must be "scheduler_metric"/);
  });
});

