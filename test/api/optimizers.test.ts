// Several optimizers in one run (GANs, Coqui's vocoders): each optimizer's schedule on the run,
// each one's LR on the points, a verdict per optimizer (the run flagged if any is, naming it), each
// one's actual and expected LR as series. Runs on SQLite and PostgreSQL (api, api-postgres).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@/cli/run-cli';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;
let key: string;

beforeAll(async () => {
  server = await startServer();
  key = server.apiKey;
});
afterAll(() => server?.stop());

const gen = { name: 'StepLR', params: { step_size: 100, gamma: 0.5 }, interval: 'step', baseLr: 2e-4 } as const;
const disc = { name: 'ExponentialLR', params: { gamma: 0.99 }, interval: 'step', baseLr: 1e-3 } as const;

/** A GAN's points: gen follows StepLR; disc follows ExponentialLR unless `discStuck`, then stays at its base LR. */
function ganPoints(from: number, to: number, discStuck = false) {
  const pts = [];
  for (let s = from; s < to; s++) {
    const g = 2e-4 * 0.5 ** Math.floor(s / 100);
    const d = discStuck ? 1e-3 : 1e-3 * 0.99 ** s;
    pts.push({ step: s, lr: g, loss: 1 / (s + 1), optimizers: { gen: { lr: g, schedulerStep: s }, disc: { lr: d, lrs: [d, d / 10] } } });
  }
  return pts;
}

async function create(input: Record<string, unknown>) {
  return data<{ id: number }>(await mutate(server.url, 'runs.create', input, key)).id;
}
async function log(runId: number, points: unknown[]) {
  return data<{ accepted: number; duplicates: number }>(await mutate(server.url, 'runs.log', { runId, points }, key));
}
async function getRun(id: number) {
  return data<{ run: any }>(await query(server.url, 'runs.get', { id })).run;
}
async function series(runId: number, metric: string, extra: Record<string, unknown> = {}) {
  return data<{ points: { step: number; value: number; min: number; max: number }[]; bucket: number }>(await query(server.url, 'runs.series', { runId, metric, ...extra }));
}

describe('a run with several optimizers', () => {
  it('checks each optimizer against its own schedule: both follow theirs, the run is ok', async () => {
    const id = await create({ name: 'gan-ok', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: disc } } });
    expect(await log(id, ganPoints(0, 400))).toEqual({ accepted: 400, duplicates: 0 });
    const run = await getRun(id);
    expect(run.optimizers.map((o: any) => o.name)).toEqual(['gen', 'disc']);
    expect(run.optimizers[1].schedule).toMatchObject({ name: 'ExponentialLR', baseLr: 1e-3 });
    expect(run.verdict).toMatchObject({ kind: 'ok', flagged: false });
    expect(run.verdict.message).toMatch(/^optimizer (gen|disc): /);
    expect(run.verdict.optimizers.gen).toMatchObject({ kind: 'ok', flagged: false });
    expect(run.verdict.optimizers.disc).toMatchObject({ kind: 'ok', flagged: false });
    // The top-level lr is the first optimizer's: the runs table and "expected LR now" are gen's.
    expect(run.lastLr).toBeCloseTo(2e-4 * 0.5 ** 3, 12);
    expect(run.expectedLr).toBeCloseTo(2e-4 * 0.5 ** 3, 12);
  });

  it('flags the run when one optimizer is off its schedule, and names that optimizer in the verdict and the alert', async () => {
    const id = await create({ name: 'gan-disc-stuck', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: disc } } });
    await log(id, ganPoints(0, 300, true));
    const run = await getRun(id);
    expect(run.flagged ?? run.verdict.flagged).toBe(true);
    expect(run.verdict.kind).toBe('flagged');
    expect(run.verdict.message).toMatch(/^optimizer disc: /);
    expect(run.verdict.optimizer).toBe('disc');
    expect(run.verdict.optimizers.gen.flagged).toBe(false);
    expect(run.verdict.optimizers.disc.flagged).toBe(true);
    expect(run.verdict.causes).toEqual(run.verdict.optimizers.disc.causes);
    expect(run.verdict.firstBadStep).toBe(run.verdict.optimizers.disc.firstBadStep);
    const { alerts } = data<{ alerts: any[] }>(await query(server.url, 'alerts.list', { runId: id }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toMatch(/^optimizer disc: /);
    // The runs table's filter sees it.
    const flagged = data<{ runs: any[] }>(await query(server.url, 'runs.list', { flagged: true })).runs.map((r) => r.id);
    expect(flagged).toContain(id);
  });

  it('keeps the verdict current batch by batch: a flag raised by a later batch, and the same verdict after a rebuild', async () => {
    const id = await create({ name: 'gan-late-stuck', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: disc } } });
    await log(id, ganPoints(0, 100));
    expect((await getRun(id)).verdict.flagged).toBe(false);
    // disc's LR stops moving from step 100 on.
    const later = ganPoints(100, 250).map((p) => ({ ...p, optimizers: { ...p.optimizers, disc: { lr: 1e-3 * 0.99 ** 99 } } }));
    await log(id, later);
    const live = (await getRun(id)).verdict;
    expect(live.flagged).toBe(true);
    expect(live.message).toMatch(/^optimizer disc: /);
    // A re-sent batch (duplicates) rebuilds the detectors from the store: same verdict.
    expect(await log(id, later.slice(0, 10))).toEqual({ accepted: 0, duplicates: 10 });
    expect((await getRun(id)).verdict).toEqual(live);
  });

  it('serves each optimizer’s actual and expected LR as series lr:<name> and expected_lr:<name>', async () => {
    const id = await create({ name: 'gan-series', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: disc } } });
    await log(id, ganPoints(0, 200));
    const actual = await series(id, 'lr:disc');
    expect(actual.bucket).toBe(1);
    expect(actual.points).toHaveLength(200);
    expect(actual.points[150].value).toBeCloseTo(1e-3 * 0.99 ** 150, 12);
    const expected = await series(id, 'expected_lr:disc');
    expect(expected.points[150].value).toBeCloseTo(1e-3 * 0.99 ** 150, 12);
    expect((await series(id, 'expected_lr:gen')).points[150].value).toBeCloseTo(1e-4, 12);
    expect((await series(id, 'lr:gen')).points[150].value).toBeCloseTo(1e-4, 12);
    // The run's own expected_lr is the first optimizer's.
    expect((await series(id, 'expected_lr')).points[150].value).toBeCloseTo(1e-4, 12);
    // Bucketed reads keep min and max.
    const wide = await series(id, 'lr:disc', { maxPoints: 10 });
    expect(wide.points.length).toBeLessThanOrEqual(10);
    expect(wide.points[0].max).toBeCloseTo(1e-3, 12);
    const missing = await query(server.url, 'runs.series', { runId: id, metric: 'lr:nobody' });
    expect(missing.status).toBe(404);
    expect(missing.body.error!.message).toMatch(/has no metric "lr:nobody" \(it has lr, loss, expected_lr, expected_lr:gen, expected_lr:disc, .*lr:disc/);
  });

  it('reads a long optimizer series through the chart pyramid, spikes kept', async () => {
    const id = await create({ name: 'gan-long', optimizers: { gen: {}, disc: {} } });
    const n = 60_000;
    for (let from = 0; from < n; from += 10_000) {
      const pts = [];
      for (let s = from; s < from + 10_000; s++) pts.push({ step: s, optimizers: { gen: { lr: 1e-4 }, disc: { lr: s === 33_333 ? 5 : 1e-3 } } });
      await log(id, pts);
    }
    const disc = await series(id, 'lr:disc', { maxPoints: 100 });
    expect(disc.bucket).toBeGreaterThanOrEqual(600);
    expect(disc.bucket % 64).toBe(0); // rounded to a pyramid block: read from the rollups
    expect(Math.max(...disc.points.map((p) => p.max))).toBe(5);
    expect(disc.points.filter((p) => p.max === 5)).toHaveLength(1);
    expect(Math.min(...disc.points.map((p) => p.min))).toBe(1e-3);
    const gen = await series(id, 'lr:gen', { maxPoints: 100 });
    expect(gen.points.every((p) => p.min === 1e-4 && p.max === 1e-4)).toBe(true);
  });

  it('merges runs.update into the run’s optimizers by name and re-evaluates', async () => {
    // Created with disc's schedule wrong (gamma 0.9): disc is flagged.
    const id = await create({ name: 'gan-update', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: { ...disc, params: { gamma: 0.9 } } } } });
    await log(id, ganPoints(0, 200));
    expect((await getRun(id)).verdict.optimizers.disc.flagged).toBe(true);
    const cadence = { optimizerSteps: 200, schedulerSteps: 200 };
    data(await mutate(server.url, 'runs.update', { runId: id, optimizers: { disc: { schedule: disc, cadence } } }, key));
    const run = await getRun(id);
    expect(run.optimizers).toEqual([
      { name: 'gen', schedule: expect.objectContaining({ name: 'StepLR' }) },
      { name: 'disc', schedule: expect.objectContaining({ params: { gamma: 0.99 } }), cadence },
    ]);
    expect(run.verdict.flagged).toBe(false);
    expect(run.verdict.optimizers.disc.kind).toBe('ok');
  });

  it('gives an optimizer without a schedule no verdict of its own to raise, and a point may name only some optimizers', async () => {
    const id = await create({ name: 'gan-partial', optimizers: { gen: { schedule: gen }, disc: {} } });
    await log(id, ganPoints(0, 150).map((p, i) => (i % 2 ? { step: p.step, lr: p.lr } : p)));
    const run = await getRun(id);
    expect(run.verdict.optimizers.gen.kind).toBe('ok');
    expect(run.verdict.optimizers.disc.kind).toBe('no_schedule');
    expect(run.verdict.kind).toBe('ok');
    // Every other point names no optimizer: gen (the first) falls back on the point's own lr.
    expect((await series(id, 'lr:disc')).points).toHaveLength(75);
    // Without a run-level schedule, the run's expected_lr is the first optimizer's.
    expect((await series(id, 'expected_lr')).points[120].value).toBeCloseTo(1e-4, 12);
  });

  it('checks the README’s example: two epoch schedules, each optimizer on its own base LR and gamma', async () => {
    const exp = (baseLr: number, gamma: number) => ({ name: 'ExponentialLR', params: { gamma }, interval: 'epoch', baseLr });
    const id = await create({ name: 'hifigan', stepsPerEpoch: 500, schedule: exp(2e-4, 0.999), optimizers: { gen: { schedule: exp(2e-4, 0.999) }, disc: { schedule: exp(1e-4, 0.99) } } });
    const points = Array.from({ length: 2000 }, (_, step) => {
      const epoch = Math.floor(step / 500);
      const g = 2e-4 * 0.999 ** epoch;
      return { step, epoch, lr: g, optimizers: { gen: { lr: g, schedulerStep: epoch }, disc: { lr: 1e-4 * 0.99 ** epoch, schedulerStep: epoch } } };
    });
    await log(id, points);
    expect(points[500].optimizers.disc.lr).toBeCloseTo(9.9e-5, 15);
    const run = await getRun(id);
    expect(run.verdict.optimizers.gen.kind).toBe('ok');
    expect(run.verdict.optimizers.disc.kind).toBe('ok');
    // The same run with disc's scheduler stepped every batch instead of every epoch is flagged.
    const bad = await create({ name: 'hifigan-disc-per-batch', stepsPerEpoch: 500, schedule: exp(2e-4, 0.999), optimizers: { gen: { schedule: exp(2e-4, 0.999) }, disc: { schedule: exp(1e-4, 0.99) } } });
    await log(bad, points.map((p) => ({ ...p, optimizers: { gen: p.optimizers.gen, disc: { lr: 1e-4 * 0.99 ** p.step, schedulerStep: p.step } } })));
    const v = (await getRun(bad)).verdict;
    expect(v.flagged).toBe(true);
    expect(v.message).toMatch(/^optimizer disc: /);
    expect(v.optimizers.gen.flagged).toBe(false);
  });

  it('gets the verdict lrscope check prints for the same run, batch by batch', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-optimizers-'));
    for (const [label, discStuck] of [['ok', false], ['disc stuck', true]] as const) {
      const optimizers = { gen: { schedule: gen, cadence: { optimizerSteps: 300, schedulerSteps: 300 } }, disc: { schedule: disc } };
      const points = ganPoints(0, 300, discStuck);
      const id = await create({ name: `gan-check-${label}`, schedule: gen, optimizers });
      for (let from = 0; from < 300; from += 100) await log(id, points.slice(from, from + 100));
      const file = path.join(dir, 'run.json');
      writeFileSync(file, JSON.stringify({ schedule: gen, optimizers, points }));
      let stdout = '';
      const code = await runCli(['check', file], { stdout: (t) => (stdout += t), stderr: () => {}, env: {}, cwd: dir });
      const printed = JSON.parse(stdout);
      expect(code).toBe(discStuck ? 1 : 0);
      expect(printed.flagged).toBe(discStuck);
      expect((await getRun(id)).verdict).toEqual(printed);
    }
  });

  it('adds an optimizer’s values to a stored step when its record comes in a later batch (two watchers, one step)', async () => {
    const id = await create({ name: 'gan-split', schedule: gen, optimizers: { gen: { schedule: gen }, disc: { schedule: disc } } });
    const points = ganPoints(0, 300, true);
    // Every point's gen record first, then (a batch later) the same steps' disc records alone.
    await log(id, points.map((p) => ({ ...p, optimizers: { gen: p.optimizers.gen } })));
    expect((await getRun(id)).verdict.optimizers.disc.kind).toBe('unknown');
    expect(await log(id, points.map((p) => ({ step: p.step, optimizers: { disc: p.optimizers.disc, gen: { lr: 5 } } })))).toEqual({ accepted: 0, duplicates: 300 });
    const run = await getRun(id);
    expect(run.verdict.optimizers.disc.flagged).toBe(true);
    expect(run.verdict.message).toMatch(/^optimizer disc: /);
    // gen keeps its first values: the step already had them.
    expect(run.verdict.optimizers.gen.kind).toBe('ok');
    expect((await series(id, 'lr:gen')).points.every((p) => p.value < 1)).toBe(true);
    expect((await series(id, 'lr:disc')).points).toHaveLength(300);
    // Sent again, nothing is new.
    await log(id, points.map((p) => ({ step: p.step, optimizers: { disc: { lr: 0.5 } } })));
    expect((await series(id, 'lr:disc')).points[0].value).toBe(1e-3);
  });

  it('leaves a run with one optimizer exactly as before', async () => {
    const id = await create({ name: 'single', schedule: gen });
    await log(id, ganPoints(0, 150).map(({ optimizers, ...p }) => p));
    const run = await getRun(id);
    expect(run.optimizers).toEqual([]);
    expect(run.verdict.kind).toBe('ok');
    expect(run.verdict).not.toHaveProperty('optimizers');
    expect(run.verdict).not.toHaveProperty('optimizer');
    expect(run.verdict.message).not.toMatch(/optimizer/);
  });
});

describe('bad optimizer input', () => {
  it.each([
    ['a bad optimizer name', { 'gen disc': { lr: 0.1 } }, /^points\[0\]\.optimizers.*optimizer names are 1 to 64 letters, digits and _ \. -/],
    ['an unknown field', { gen: { lr: 0.1, momentum: 0.9 } }, /^points\[0\]\.optimizers\.gen: unknown field\(s\) momentum; an optimizer's values are lr, lrs, schedulerStep/],
    ['a negative LR', { gen: { lr: -1 } }, /^points\[0\]\.optimizers\.gen\.lr: must be a finite number ≥ 0/],
    ['a fractional schedulerStep', { gen: { lr: 0.1, schedulerStep: 1.5 } }, /^points\[0\]\.optimizers\.gen\.schedulerStep: must be an integer ≥ 0/],
    ['nine optimizers', Object.fromEntries(Array.from({ length: 9 }, (_, i) => [String(i), { lr: 0.1 }])), /^points\[0\]\.optimizers: at most 8 optimizers/],
    ['not an object', [0.1, 0.2], /^points\[0\]\.optimizers: must be an object \{ \[optimizer name\]/],
  ])('rejects a point with %s, naming the field, and stores nothing', async (_label, optimizers, message) => {
    const id = await create({ name: 'bad-points' });
    const r = await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 0, lr: 0.1, optimizers }] }, key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toMatch(message);
    expect((await getRun(id)).pointCount).toBe(0);
  });

  it.each([
    ['a bad schedule', { disc: { schedule: { name: 'MultiStepLR', params: { milestones: 'soon' } } } }, /^optimizers\.disc\.schedule\.params\.milestones/],
    ['an unknown field', { disc: { lr: 0.1 } }, /^optimizers\.disc: unknown field\(s\) lr; an optimizer has schedule, cadence/],
    ['a bad name', { 'a/b': {} }, /^optimizers.*optimizer names are 1 to 64 letters/],
  ])('rejects runs.create and runs.update with %s', async (_label, optimizers, message) => {
    const created = await mutate(server.url, 'runs.create', { name: 'bad-run', optimizers }, key);
    expect(created.status).toBe(400);
    expect(created.body.error!.message).toMatch(message);
    const id = await create({ name: 'bad-update' });
    const updated = await mutate(server.url, 'runs.update', { runId: id, optimizers }, key);
    expect(updated.status).toBe(400);
    expect(updated.body.error!.message).toMatch(message);
    expect((await getRun(id)).optimizers).toEqual([]);
  });

  it('rejects a batch that would give the run a ninth optimizer', async () => {
    const id = await create({ name: 'too-many-optimizers' });
    await log(id, [{ step: 0, optimizers: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`o${i}`, { lr: 0.1 }])) }]);
    const r = await mutate(server.url, 'runs.log', { runId: id, points: [{ step: 1, optimizers: { extra: { lr: 0.1 } } }] }, key);
    expect(r.status).toBe(400);
    expect(r.body.error!.message).toBe('points: a run may log at most 8 optimizers; this batch would make it 9 (o0, o1, o2, o3, o4, o5, o6, o7, extra)');
    expect((await getRun(id)).pointCount).toBe(1);
  });
});
