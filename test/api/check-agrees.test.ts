// One input path: for every real torch run of the fixture set, in every way a run reaches
// lrscope, `lrscope check` prints exactly the verdict the server stores for the same run, fed
// to the server live in three batches (so its incremental detector is what is compared).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@/cli/run-cli';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';
import { asSent, FIXTURE_RUNS, MODES } from '../unit/lib/detect/fixture-runs';

let server: TestServer;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-agree-'));

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

async function checkVerdict(file: object): Promise<unknown> {
  const p = path.join(dir, 'run.json');
  writeFileSync(p, JSON.stringify(file));
  let stdout = '';
  let stderr = '';
  const code = await runCli(['check', p], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: dir });
  expect(stderr).toBe('');
  expect(code).toBe(JSON.parse(stdout).flagged ? 1 : 0);
  return JSON.parse(stdout);
}

describe('lrscope check and the server agree', () => {
  for (const mode of MODES) {
    it(`on every fixture run sent ${mode}`, async () => {
      for (const run of FIXTURE_RUNS) {
        const { points, cadence } = asSent(run, mode);
        const config = { epochs: 10 };
        const { id } = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: `${run.id}-${mode}`, schedule: run.schedule, stepsPerEpoch: run.stepsPerEpoch, config }, server.apiKey));
        if (cadence) data(await mutate(server.url, 'runs.update', { runId: id, cadence }, server.apiKey));
        const third = Math.ceil(points.length / 3);
        for (let i = 0; i < points.length; i += third) data(await mutate(server.url, 'runs.log', { runId: id, points: points.slice(i, i + third) }, server.apiKey));
        const stored = data<any>(await query(server.url, 'runs.get', { id })).run.verdict;
        const checked = await checkVerdict({ schedule: run.schedule, stepsPerEpoch: run.stepsPerEpoch, config, ...(cadence ? { cadence } : {}), points });
        expect(stored, `${run.id} sent ${mode}`).toEqual(checked);
        expect(stored.flagged, `${run.id} sent ${mode}`).toBe(run.expect.flagged);
      }
    });
  }
});
