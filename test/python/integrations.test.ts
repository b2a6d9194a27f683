// The trainer integrations inside the fakes of their trainers (clients/python/tests/fake_trainers.py:
// Lightning 2.2.5, transformers 4.28.1 and Coqui v0.0.36 call order), against the real server: the
// set-ups that were checked inside the real trainers give the verdicts they gave there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { clientEnv, createKey, hasTorch, removeSpoolDirs, train } from './python';

let server: TestServer;
let runs: Record<string, any> = {};

beforeAll(async () => {
  if (!hasTorch()) throw new Error('these tests need Debian python3-torch (/usr/bin/python3 -c "import torch")');
  server = await startServer();
  const outs = await train('integrations', clientEnv(server.url, createKey(server.databaseUrl, 'python-e2e')));
  for (const out of outs) runs[out.case] = data<any>(await query(server.url, 'runs.get', { id: out.runId })).run;
}, 240_000);
afterAll(async () => {
  await server?.stop();
  removeSpoolDirs();
  runs = {};
});

describe('trainer integrations against the real server', () => {
  it("Lightning: frequency 2 reaches the spec and the run is not flagged", () => {
    const run = runs['pl-frequency'];
    expect(run.schedule).toMatchObject({ name: 'StepLR', interval: 'epoch', frequency: 2 });
    expect(run.cadence).toMatchObject({ medianGap: 40 });
    expect(run.verdict).toMatchObject({ flagged: false, causes: [] });
  });

  it("Lightning: milestones written in steps on the default epoch interval get 'the LR will never change' from max_epochs", () => {
    const run = runs['pl-milestones-in-steps'];
    expect(run.config.lightning).toMatchObject({ max_epochs: 6, max_steps: -1 });
    expect(run.verdict.flagged).toBe(false);
    expect(run.verdict.warnings).toEqual([expect.stringMatching(/the LR will never change/)]);
    expect(run.lastLoss).toEqual(expect.any(Number));
  });

  it('Hugging Face: your own scheduler is described, not TrainingArguments', () => {
    const run = runs['hf-own-steplr'];
    expect(run.schedule).toEqual({ name: 'StepLR', params: { step_size: 10, gamma: 0.5 }, interval: 'step', baseLr: 0.05 });
    expect(run.verdict).toMatchObject({ kind: 'ok', flagged: false, causes: [] });
  });

  it("Coqui GAN: each optimizer is checked against its own scheduler; the discriminator's stepped per epoch is flagged", () => {
    const run = runs['coqui-gan'];
    expect(run.verdict.flagged).toBe(true);
    expect(run.verdict.message).toMatch(/^optimizer disc: /);
    expect(run.verdict.optimizers.disc).toMatchObject({ flagged: true, causes: expect.arrayContaining(['stepped_per_epoch']) });
    expect(run.verdict.optimizers.gen).toMatchObject({ kind: 'ok', flagged: false });
  });
});
