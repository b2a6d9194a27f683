// The Python client when the server goes away: killed (SIGKILL) mid-run and restarted on the same
// database, every point logged reaches the store exactly once; down for a whole run, the spool is
// sent later by `python -m lrscope sync` from another process.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { clientEnv, createKey, hasTorch, removeSpoolDirs, runPython, spoolDir, TRAIN, train } from './python';

let server: TestServer;
let key: string;

async function getRun(id: number) {
  return data<any>(await query(server.url, 'runs.get', { id })).run;
}

async function storedSteps(runId: number): Promise<number[]> {
  const { points, bucket } = data<any>(await query(server.url, 'runs.series', { runId, metric: 'lr', maxPoints: 10_000 }));
  expect(bucket).toBe(1);
  return points.map((p: { step: number }) => p.step);
}

beforeAll(async () => {
  if (!hasTorch()) throw new Error('these tests need Debian python3-torch (/usr/bin/python3 -c "import torch")');
  server = await startServer();
  key = createKey(server.databaseUrl, 'python-e2e');
});
afterAll(async () => {
  await server?.stop();
  removeSpoolDirs();
});

describe('server outages', () => {
  it('delivers every point exactly once when the server is killed mid-run and restarted', async () => {
    const spool = spoolDir();
    const py = runPython([TRAIN, 'outage'], clientEnv(server.url, key, spool));
    const { runId } = await py.waitFor((l) => l.started);
    // Let part of the run arrive, then kill the server without any shutdown.
    for (let i = 0; (await getRun(runId)).pointCount < 300; i++) {
      if (i > 600) throw new Error('points did not arrive');
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.kill();
    await new Promise((r) => setTimeout(r, 2_000)); // the trainer keeps training meanwhile
    await server.restart();
    const code = await py.exited;
    expect(code, py.stderr()).toBe(0);
    const summary = py.lines.find((l) => l.steps !== undefined);
    expect(summary).toMatchObject({ runId, steps: 3000, delivered: true });
    expect(py.stderr()).toMatch(/cannot reach/); // it noticed, spooled, and replayed

    const run = await getRun(runId);
    expect(run).toMatchObject({ pointCount: 3000, lastStep: 2999, status: 'finished' });
    const steps = await storedSteps(runId);
    expect(steps).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(readdirSync(spool).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    expect(run.verdict).toMatchObject({ kind: 'ok', flagged: false });
  });

  it('sends a run spooled while the server was down with `python -m lrscope sync` from a later process', async () => {
    const spool = spoolDir();
    const env = clientEnv(server.url, key, spool);
    await server.kill();
    try {
      const [out] = await train('offline', env);
      expect(out).toMatchObject({ runId: null, steps: 1000, delivered: false });
    } finally {
      await server.restart();
    }
    expect(readdirSync(spool).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);

    const sync = runPython(['-m', 'lrscope', 'sync'], env);
    expect(await sync.exited, sync.stderr()).toBe(0);
    const { runs } = data<any>(await query(server.url, 'runs.list', { project: 'python-e2e', search: 'offline' }));
    expect(runs).toHaveLength(1);
    const run = await getRun(runs[0].id);
    expect(run).toMatchObject({ name: 'offline', pointCount: 1000, lastStep: 999, status: 'finished', stepsPerEpoch: 200 });
    expect(run.schedule).toMatchObject({ name: 'StepLR', interval: 'epoch' });
    expect(await storedSteps(run.id)).toHaveLength(1000);
    expect(readdirSync(spool).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
    // Syncing again finds nothing and changes nothing.
    const again = runPython(['-m', 'lrscope', 'sync'], env);
    expect(await again.exited).toBe(0);
    expect((await getRun(run.id)).pointCount).toBe(1000);
  });
});

