// Log-directory mode with two optimizers: Coqui GAN vocoder folders (event files with
// current_lr_0 / current_lr_1, config.json with lr_gen / lr_disc and their schedulers, written by
// test/fixtures/logdir/coqui-gan/generate.py) give one LR series and one verdict per optimizer,
// named disc and gen; a broken one is flagged naming the optimizer; schedulers that cannot be told
// apart for certain are not checked at all.
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../helpers/raw-db';
import { ROOT, type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { until } from '../helpers/until';

const GAN = path.join(ROOT, 'test/fixtures/logdir/coqui-gan');
const RUN = (kind: string) => `hifigan_${kind}-December-07-2026_06+00PM-0000000`;
/** Steps 0, 25, ..., 3000. */
const POINTS = 121;

let server: TestServer;

/** The run once all its points are read and judged. */
async function readRun(kind: string): Promise<any> {
  return until(`${kind} read`, async () => {
    const { runs } = data<{ runs: any[] }>(await query(server.url, 'runs.list', { limit: 100 }));
    const found = runs.find((r) => r.name === RUN(kind));
    const run = found && data<{ run: any }>(await query(server.url, 'runs.get', { id: found.id })).run;
    return run?.pointCount === POINTS && run.verdict && run;
  });
}

async function series(runId: number, metric: string) {
  return data<{ points: { step: number; value: number }[] }>(await query(server.url, 'runs.series', { runId, metric, maxPoints: 1000 }));
}

const source = async (runId: number) => data<any>(await query(server.url, 'sources.get', { runId }));

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-logdir-gan-'));
  for (const kind of ['ok', 'broken', 'mixed']) cpSync(path.join(GAN, RUN(kind)), path.join(dir, RUN(kind)), { recursive: true });
  server = await startServer({ args: ['--api-only', '--logdir', dir], env: { LRSCOPE_LOGDIR_POLL_SECONDS: '1' } });
}, 60_000);
afterAll(() => server?.stop());

describe('a Coqui GAN vocoder folder', () => {
  it('gets a verdict per optimizer, disc and gen, each from its own LR series and schedule', async () => {
    const run = await readRun('ok');
    expect(run.optimizers.map((o: any) => [o.name, o.schedule?.name, o.schedule?.baseLr])).toEqual([
      ['disc', 'ExponentialLR', 1e-4],
      ['gen', 'ExponentialLR', 2e-4],
    ]);
    expect(run.schedule).toMatchObject({ name: 'ExponentialLR', baseLr: 1e-4, interval: 'epoch' });
    expect(run.verdict).toMatchObject({ flagged: false });
    expect(Object.keys(run.verdict.optimizers).sort()).toEqual(['disc', 'gen']);
    expect(run.verdict.optimizers.disc).toMatchObject({ kind: 'ok', flagged: false });
    expect(run.verdict.optimizers.gen).toMatchObject({ kind: 'ok', flagged: false });
    // Each optimizer's LR is a series of its own, beside the schedule's; the first's is also the points' lr.
    const at1000 = async (metric: string) => (await series(run.id, metric)).points.find((p) => p.step === 1000)?.value;
    expect(await at1000('lr')).toBeCloseTo(1e-4 * 0.9 ** 5, 10);
    expect(await at1000('lr:disc')).toBeCloseTo(1e-4 * 0.9 ** 5, 10);
    expect(await at1000('lr:gen')).toBeCloseTo(2e-4 * 0.9 ** 5, 10);
    expect(await at1000('expected_lr:gen')).toBeCloseTo(2e-4 * 0.9 ** 5, 10);
    // Neither LR is also kept as a plain metric.
    const [{ n }] = await sql<{ n: number }>(server.databaseUrl, 'SELECT COUNT(*) AS n FROM "MetricPoint" WHERE "runId" = $1 AND "name" LIKE \'%current_lr%\'', [run.id]);
    expect(Number(n)).toBe(0);
    expect((await source(run.id)).notes).toContain('several optimizers, each with an LR of its own: disc ("hifigan_TrainIterStats/current_lr_0"), gen ("hifigan_TrainIterStats/current_lr_1")');
  }, 60_000);

  it("flags a StepwiseGradualLR stepped per epoch, naming the discriminator's optimizer", async () => {
    const run = await readRun('broken');
    expect(run.verdict.flagged).toBe(true);
    expect(run.verdict.message).toMatch(/^optimizer disc: /);
    expect(run.verdict.optimizers.disc).toMatchObject({ flagged: true, firstBadStep: 1000 });
    expect(run.verdict.optimizers.disc.causes).toContain('stepped_per_epoch');
    expect(run.verdict.optimizers.disc.fix).toMatch(/scheduler_after_epoch/);
    expect(run.verdict.optimizers.gen).toMatchObject({ flagged: true });
  }, 60_000);

  it('checks neither schedule when gen and disc schedulers differ, and says why on the source panel', async () => {
    const run = await readRun('mixed');
    expect(run.optimizers.map((o: any) => [o.name, o.schedule ?? null])).toEqual([
      ['disc', null],
      ['gen', null],
    ]);
    expect(run.verdict.flagged).toBe(false);
    const s = await source(run.id);
    expect(s.scheduleFrom).toBe('config.json (Coqui)');
    expect(s.notes.join('\n')).toMatch(/their schedules not checked: lr_scheduler_gen and lr_scheduler_disc differ/);
  }, 60_000);
});
