import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '@/cli/run-cli';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-cli-'));
function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: dir });
  return { code, stdout, stderr };
}

const COQUI = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [100, 4e-4], [200, 3e-4]] }, interval: 'step' };
const stuck = Array.from({ length: 300 }, (_, step) => ({ step, epoch: Math.floor(step / 20), lr: 5e-4 }));
const correct = stuck.map((p) => ({ ...p, lr: p.step < 100 ? 5e-4 : p.step < 200 ? 4e-4 : 3e-4 }));

describe('lrscope check', () => {
  it('prints the verdict as JSON and exits 1 on a flagged run (the Coqui case)', async () => {
    const r = await cli('check', file('coqui.json', { schedule: COQUI, stepsPerEpoch: 20, points: stuck }));
    expect(r.code).toBe(1);
    const v = JSON.parse(r.stdout);
    expect(v).toMatchObject({ flagged: true, causes: ['stepped_per_epoch', 'stuck'], firstBadStep: 100, expected: 4e-4, actual: 5e-4 });
    expect(v.fix).toMatch(/scheduler_after_epoch=False/);
  });

  it('exits 0 when the schedule takes effect', async () => {
    const r = await cli('check', file('ok.json', { schedule: COQUI, points: correct }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'ok', flagged: false });
  });

  it('exits 0 and says unverifiable for ReduceLROnPlateau', async () => {
    const r = await cli('check', file('plateau.json', { schedule: { name: 'ReduceLROnPlateau', params: {}, baseLr: 0.1 }, points: [{ step: 0, lr: 0.1 }, { step: 1, lr: 0.01 }] }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'unverifiable', unverifiable: true });
  });

  it('replays ReduceLROnPlateau on the scheduler_metric values the points carry, given the cadence', async () => {
    const plateau = { name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 1 } };
    const cadence = { optimizerSteps: 60, schedulerSteps: 5, medianGap: 10, metric: 'scheduler_metric' };
    // One value per epoch after its last step, never improving: a reduction after step 29 that the LR never shows.
    const points = Array.from({ length: 60 }, (_, step) => ({ step, lr: 0.1, ...(step % 10 === 9 && step < 50 ? { metrics: { scheduler_metric: 1 } } : {}) }));
    const r = await cli('check', file('plateau-metric.json', { schedule: plateau, stepsPerEpoch: 10, cadence, config: { epochs: 6 }, points }));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ flagged: true, causes: ['stuck'], firstBadStep: 30, expected: 0.05, actual: 0.1 });
  });

  it('checks the LR at the scheduler\'s own count when points carry schedulerStep', async () => {
    const steplr = { name: 'StepLR', params: { step_size: 10, gamma: 0.5 }, interval: 'step', baseLr: 0.1 };
    // The count runs once per epoch of 20 steps: the LR is the schedule's at that count, the cadence is not the spec's.
    const points = Array.from({ length: 300 }, (_, step) => ({ step, epoch: Math.floor(step / 20), schedulerStep: Math.floor(step / 20), lr: 0.1 * 0.5 ** Math.floor(Math.floor(step / 20) / 10) }));
    const r = await cli('check', file('counted.json', { schedule: steplr, points }));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ causes: ['stepped_per_epoch'], firstBadStep: 10 });
  });

  it.each([
    ['a missing file', ['check', 'nope.json'], /cannot read nope.json: no such file/],
    ['malformed JSON', ['check', file('bad.json', '{"schedule":')], /is not valid JSON/],
    ['an unknown scheduler, with a suggestion', ['check', file('name.json', { schedule: { ...COQUI, name: 'StepwiseGradualLr' }, points: correct })], /schedule.name: unknown scheduler "StepwiseGradualLr"; did you mean "StepwiseGradualLR"\?/],
    ['a non-finite LR, naming the point', ['check', file('lr.json', { schedule: COQUI, points: [{ step: 0, lr: -1 }] })], /points\[0\].lr: must be a finite number ≥ 0/],
    ['no file at all', ['check'], /usage: lrscope check FILE.json/],
  ])('exits 2 with a clear message on %s', async (_what, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('lrscope expected', () => {
  it('prints n,lr as CSV for n = 0..N-1, from a spec or a run file', async () => {
    const spec = { name: 'MultiStepLR', params: { milestones: [2, 2, 4], gamma: 0.5 }, interval: 'epoch', baseLr: 1 };
    const r = await cli('expected', file('spec.json', spec), '--steps', '6');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('n,lr\n0,1\n1,1\n2,0.25\n3,0.25\n4,0.125\n5,0.125\n');
    expect((await cli('expected', '--steps', '6', file('run.json', { schedule: spec, points: [] }))).stdout).toBe(r.stdout);
  });

  it('refuses what it cannot preview', async () => {
    expect((await cli('expected', file('spec2.json', COQUI), '--steps', '0')).stderr).toMatch(/--steps: must be an integer from 1/);
    const lambda = await cli('expected', file('lambda.json', { name: 'LambdaLR', params: {}, baseLr: 0.1 }), '--steps', '3');
    expect(lambda.code).toBe(2);
    expect(lambda.stderr).toMatch(/LambdaLR cannot be previewed/);
  });
});

describe('the npm bin', () => {
  it('runs `lrscope check` as a process with the documented exit code', () => {
    const bin = path.resolve('bin/lrscope.js');
    const r = spawnSync(process.execPath, [bin, 'check', file('proc.json', { schedule: COQUI, stepsPerEpoch: 20, points: stuck })], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).causes).toEqual(['stepped_per_epoch', 'stuck']);
  }, 30_000);
});
