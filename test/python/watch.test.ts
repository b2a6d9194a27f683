// Real PyTorch training loops, recorded through lrscope.torch.watch, checked by the real server:
// the schedule is read from the scheduler object, the cadence observed, and the verdict is the
// one the story in docs/architecture.md needs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { clientEnv, createKey, hasTorch, removeSpoolDirs, train } from './python';

let server: TestServer;
let env: NodeJS.ProcessEnv;

async function getRun(id: number) {
  return data<any>(await query(server.url, 'runs.get', { id })).run;
}

beforeAll(async () => {
  if (!hasTorch()) throw new Error('these tests need Debian python3-torch (/usr/bin/python3 -c "import torch")');
  server = await startServer();
  env = clientEnv(server.url, createKey(server.databaseUrl, 'python-e2e'));
});
afterAll(async () => {
  await server?.stop();
  removeSpoolDirs();
});

describe('lrscope.torch.watch against the real server', () => {
  it('finds nothing wrong with MultiStepLR stepped once per epoch', async () => {
    const [out] = await train('multistep', env);
    expect(out).toMatchObject({ steps: 200, delivered: true });
    const run = await getRun(out.runId);
    expect(run).toMatchObject({ project: 'python-e2e', status: 'finished', pointCount: 200, lastStep: 199, stepsPerEpoch: 20, tags: ['e2e'] });
    expect(run.schedule).toEqual({ name: 'MultiStepLR', params: { milestones: [3, 6], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 });
    expect(run.cadence).toMatchObject({ optimizerSteps: 200, schedulerSteps: 10, medianGap: 20, beforeOptimizerStep: false });
    expect(run.verdict).toMatchObject({ kind: 'ok', flagged: false, causes: [] });
    expect(run.lastLr).toBeCloseTo(0.025, 12);
    expect(run.lastLoss).toEqual(expect.any(Number));
  });

  it('flags a Coqui StepwiseGradualLR stepped once per epoch as stepped per epoch', async () => {
    const [out] = await train('coqui', env);
    const run = await getRun(out.runId);
    expect(run.schedule).toMatchObject({ name: 'StepwiseGradualLR', interval: 'step', params: { gradual_learning_rates: [[0, 1e-3], [50, 5e-4], [100, 2.5e-4]] } });
    expect(run.cadence).toMatchObject({ schedulerSteps: 10, medianGap: 20 });
    expect(run.verdict.flagged).toBe(true);
    expect(run.verdict.causes).toEqual(expect.arrayContaining(['stepped_per_epoch']));
    expect(run.verdict).toMatchObject({ firstBadStep: 50, expected: 5e-4, actual: 1e-3 });
    expect(run.verdict.message).toMatch(/once every 20 optimizer steps/);
  });

  it('sends a spec the server accepts for every scheduler it reads, and none is flagged when stepped as meant', async () => {
    const outs = await train('every-scheduler', env);
    expect(outs).toHaveLength(16);
    // ReduceLROnPlateau is replayed on the values watch() saw passed to scheduler.step().
    const unverifiable = new Set(['LambdaLR']);
    for (const out of outs) {
      const run = await getRun(out.runId);
      expect(run.schedule?.name, out.case).toBe(out.case);
      expect(run.pointCount, out.case).toBe(100);
      expect({ case: out.case, flagged: run.verdict.flagged, causes: run.verdict.causes }).toEqual({ case: out.case, flagged: false, causes: [] });
      expect(run.verdict.kind, `${out.case}: ${run.verdict.message}`).toBe(unverifiable.has(out.case) ? 'unverifiable' : 'ok');
      if (out.case === 'ReduceLROnPlateau') expect(run.verdict.warnings, 'stepped once per epoch with a metric, as meant').toEqual([]);
    }
  });

  it('does not flag a run whose optimizer steps GradScaler skipped while the scheduler kept stepping: each point carries the scheduler\'s own count', async () => {
    const outs = await train('gradscaler', env);
    expect(outs.map((o) => o.steps)).toEqual([192, 192]);
    for (const out of outs) {
      const run = await getRun(out.runId);
      expect(run.pointCount, out.case).toBe(192);
      expect(run.cadence, out.case).toMatchObject({ optimizerSteps: 192, schedulerSteps: 200 });
      expect({ case: out.case, flagged: run.verdict.flagged, causes: run.verdict.causes }).toEqual({ case: out.case, flagged: false, causes: [] });
    }
  });

  it('warns (never flags) about ReduceLROnPlateau stepped after every batch, or never stepped', async () => {
    const [perBatch, never] = await train('plateau-misuse', env);
    const a = await getRun(perBatch.runId);
    expect(a.schedule).toMatchObject({ name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 3 } });
    expect(a.cadence).toMatchObject({ optimizerSteps: 200, medianGap: 1 });
    // Replayed on the training losses it was given, every reduction took effect: a warning, not a flag.
    expect(a.verdict).toMatchObject({ kind: 'ok', flagged: false, causes: [] });
    expect(a.verdict.warnings).toEqual([expect.stringMatching(/^ReduceLROnPlateau is stepped after every optimizer step, not once per evaluation: patience=3 counts those calls/)]);
    const b = await getRun(never.runId);
    expect(b.cadence).toMatchObject({ schedulerSteps: 0 });
    expect(b.verdict).toMatchObject({ kind: 'ok', flagged: false, causes: [] });
    expect(b.verdict.message).toBe('ReduceLROnPlateau: scheduler.step(metric) has not been called yet, so there is nothing to replay.');
    expect(b.verdict.warnings).toEqual([expect.stringMatching(/^ReduceLROnPlateau has not been stepped in \d+ optimizer steps \(\d+ epochs\)/)]);
  });

  it('replays ReduceLROnPlateau on the values passed to scheduler.step(): reductions that take effect are fine, one undone by a warm-up scheduler is flagged', async () => {
    const [alone, fought] = await train('plateau-replayed', env);
    const a = await getRun(alone.runId);
    expect(a.cadence).toMatchObject({ schedulerSteps: 12, metric: 'scheduler_metric' });
    expect(a.metricNames).toContain('scheduler_metric');
    expect(a.verdict).toMatchObject({ kind: 'ok', flagged: false, causes: [] });
    expect(a.verdict.message).toMatch(/^ReduceLROnPlateau, replayed on the 12 values passed to scheduler.step\(\): \d+ reductions/);
    expect(alone.lr, 'torch really reduced it').toBeLessThan(0.1);
    const b = await getRun(fought.runId);
    expect(b.verdict).toMatchObject({ kind: 'flagged', flagged: true, causes: ['stuck'], expected: 0.05, actual: 0.1 });
    expect(b.verdict.message).toMatch(/^ReduceLROnPlateau lowered the LR to 0.05 after step \d+, but step \d+ used 0.1: something else sets the LR\.$/);
  });
});

