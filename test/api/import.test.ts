// `lrscope import` against a real server through the public API: CSV, JSON lines and TensorBoard
// logs become runs with their points and a verdict; big files go in batches with progress on
// stderr; a re-run changes nothing; bad input names its line and column and creates nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@/cli/run-cli';
import { ROOT, type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer();
  dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-import-'));
});
afterAll(() => server?.stop());

async function lrscope(args: string[], env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: { LRSCOPE_URL: server.url, LRSCOPE_API_KEY: server.apiKey, ...env },
    cwd: dir,
  });
  return { code, stdout, stderr, result: stdout.startsWith('{') ? JSON.parse(stdout) : undefined };
}

function file(name: string, text: string): string {
  writeFileSync(path.join(dir, name), text);
  return name;
}

const getRun = async (id: number) => data<{ run: any }>(await query(server.url, 'runs.get', { id })).run;
const runCount = async () => data<{ runs: unknown[] }>(await query(server.url, 'runs.list', { limit: 500 })).runs.length;

const COQUI_SCHEDULE = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] } };
const TB_FIXTURE = path.join(ROOT, 'test/fixtures/tensorboard/events.out.tfevents.1764000000.coqui-story.0');

describe('lrscope import', () => {
  it('imports a Lightning metrics.csv as a finished run that follows its MultiStepLR', async () => {
    const rows = ['epoch,step,lr-SGD,train_loss_step,val_loss'];
    for (let s = 0; s < 3000; s += 10) {
      const epoch = Math.floor(s / 100);
      rows.push(`${epoch},${s},${0.1 * 0.5 ** [10, 20].filter((m) => epoch >= m).length},,`, `${epoch},${s},,${(2 / Math.sqrt(1 + s)).toFixed(4)},`);
    }
    const spec = file('multistep.json', JSON.stringify({ name: 'MultiStepLR', params: { milestones: [10, 20], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 }));
    const r = await lrscope(['import', file('metrics.csv', rows.join('\n')), '--name', 'resnet-lightning', '--schedule', spec, '--steps-per-epoch', '100']);
    expect(r.code).toBe(0);
    expect(r.stderr.replace(/\(csv, [\d.]+ s\)/, '(csv, … s)')).toBe(
      'lrscope import: read 300 points from metrics.csv (csv, … s)\n' +
        '  columns: step ← "step", lr ← "lr-SGD", loss ← "train_loss_step", epoch ← "epoch"\n' +
        '  600 rows with values → 300 points (rows of the same step merged)\n' +
        `lrscope import: run ${r.result.runId} "resnet-lightning": 300 points — ${server.url}/runs/${r.result.runId}\n`,
    );
    expect(r.result).toMatchObject({ name: 'resnet-lightning', format: 'csv', mapping: { step: 'step', lr: 'lr-SGD', loss: 'train_loss_step', epoch: 'epoch' }, points: 300, duplicates: 0 });
    expect(r.result.url).toBe(`${server.url}/runs/${r.result.runId}`);
    expect(r.result.verdict.kind).toBe('ok');
    const run = await getRun(r.result.runId);
    expect(run).toMatchObject({ name: 'resnet-lightning', status: 'finished', pointCount: 300, lastStep: 2990, lastLr: 0.025, stepsPerEpoch: 100, tags: ['imported'] });
    expect(run.schedule.name).toBe('MultiStepLR');
  });

  it('imports a TensorBoard event file and flags the Coqui story', async () => {
    const r = await lrscope(['import', TB_FIXTURE, '--schedule', file('coqui.json', JSON.stringify(COQUI_SCHEDULE))]);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ name: 'tensorboard', format: 'tensorboard', points: 140, mapping: { lr: 'TrainIterStats/current_lr', epoch: 'epoch', time: 'wall_time' } });
    expect(r.result.verdict).toMatchObject({ flagged: true, causes: ['stepped_per_epoch', 'stuck'], firstBadStep: 10_000 });
    expect(r.stderr).toContain('read 140 points from');
    expect(r.stderr).toContain('left out non-scalar tags: weights/layer1');
  });

  it('sends a large JSONL log in batches of at most 10,000, with progress on stderr', async () => {
    const lines = Array.from({ length: 25_000 }, (_, s) => JSON.stringify({ global_step: s, learning_rate: 1e-3, loss: s % 997 === 0 ? 'NaN' : 1 / (1 + s) }));
    const name = file('big.jsonl', lines.join('\n'));
    const r = await lrscope(['import', name]);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ name: 'big', format: 'jsonl', points: 25_000, duplicates: 0 });
    const progress = r.stderr.split('\n').filter((l) => l.includes('points ('));
    expect(progress).toEqual(['lrscope import: sent 10,000 / 25,000 points (40%)', 'lrscope import: sent 20,000 / 25,000 points (80%)', 'lrscope import: sent 25,000 / 25,000 points (100%)']);
    const run = await getRun(r.result.runId);
    expect(run).toMatchObject({ pointCount: 25_000, lastStep: 24_999, status: 'finished' });
    expect(run.verdict.kind).toBe('no_schedule');

    // The same import again is the same run, and adds nothing.
    const again = await lrscope(['import', name]);
    expect(again.result).toMatchObject({ runId: r.result.runId, points: 25_000, duplicates: 25_000 });
    expect((await getRun(r.result.runId)).pointCount).toBe(25_000);
  });

  it('takes the schedule from an lrscope run file, and a column chosen with --map', async () => {
    const points = Array.from({ length: 50 }, (_, s) => ({ it: s, rate: 0.1 * 0.9 ** Math.floor(s / 10) }));
    const name = file('run.json', JSON.stringify({ schedule: { name: 'StepLR', params: { step_size: 1, gamma: 0.9 }, interval: 'epoch', baseLr: 0.1 }, stepsPerEpoch: 10, points }));
    const r = await lrscope(['import', name, '--map', 'step=it', '--map=lr=rate']);
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ format: 'json', mapping: { step: 'it', lr: 'rate' }, points: 50 });
    expect(r.result.verdict.kind).toBe('ok');
    expect((await getRun(r.result.runId)).stepsPerEpoch).toBe(10);
  });

  it('refuses a bad row by its line and column, and creates no run', async () => {
    const before = await runCount();
    const r = await lrscope(['import', file('bad.csv', 'step,lr\n0,0.1\n1,0.1\n2,fast\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('lrscope import: bad.csv: line 4, column "lr" (lr): must be a finite number ≥ 0, got "fast"\n');
    expect(await runCount()).toBe(before);
  });

  it('says how to choose the LR column when it cannot tell', async () => {
    const r = await lrscope(['import', file('gan.csv', 'step,generator/lr,discriminator/lr\n0,1,2\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('columns "generator/lr" and "discriminator/lr" all look like the learning rate: choose one with --map lr=COLUMN');
  });

  it('explains bad options, a missing file, a bad schedule and a missing key', async () => {
    const csv = file('ok.csv', 'step,lr\n0,1\n');
    expect((await lrscope(['import'])).stderr).toMatch(/^lrscope import: usage: lrscope import FILE/);
    expect((await lrscope(['import', csv, '--frobnicate'])).stderr).toMatch(/^lrscope import: unknown option --frobnicate/);
    expect((await lrscope(['import', csv, '--steps-per-epoch', '0'])).stderr).toBe('lrscope import: --steps-per-epoch: must be a positive integer\n');
    expect((await lrscope(['import', csv, '--map', 'rate=x'])).stderr).toMatch(/^lrscope import: --map rate=x: expected FIELD=COLUMN/);
    expect((await lrscope(['import', 'nope.csv'])).stderr).toBe('lrscope import: cannot read nope.csv: no such file\n');
    const badSpec = file('bad-spec.json', JSON.stringify({ name: 'MultiStepLR', params: { milestones: [30, 2.5] }, baseLr: 0.1 }));
    const spec = await lrscope(['import', csv, '--schedule', badSpec]);
    expect(spec.code).toBe(2);
    expect(spec.stderr).toContain('params.milestones[1]');
    const noKey = await lrscope(['import', csv], { LRSCOPE_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^lrscope import: LRSCOPE_API_KEY is not set/);
    const help = await lrscope(['import', '--help']);
    expect(help.code).toBe(0);
  });

  it('reports a refused key and an unreachable server without a stack trace', async () => {
    const csv = file('ok2.csv', 'step,lr\n0,1\n');
    const refused = await lrscope(['import', csv], { LRSCOPE_API_KEY: 'lrs_wrong' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^lrscope import: runs\.create failed \(HTTP 401\): /m);
    const port = await closedPort();
    const away = await lrscope(['import', csv], { LRSCOPE_URL: `http://127.0.0.1:${port}/` });
    expect(away.code).toBe(1);
    expect(away.stderr).toContain(`lrscope import: cannot reach lrscope at http://127.0.0.1:${port} (ECONNREFUSED): is the server running? Set LRSCOPE_URL to its address.`);
  });
});

/** A port nothing listens on: one the OS just handed out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
