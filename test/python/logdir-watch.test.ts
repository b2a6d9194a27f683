// `python -m lrscope watch DIR` on a "training machine" with no checkout: the client is installed
// from the server's own URL into a fresh venv, ships a Coqui run folder as its event file grows —
// through a server outage — and the server flags the run from the bytes it received, each step once.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTfRecordsFrom } from '@/lib/import/tfrecord-stream';
import { sql } from '../helpers/raw-db';
import { ROOT, type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { PYTHON } from './python';

const COQUI = 'glow_tts_ljspeech-December-07-2026_05+45PM-0000000';
const FIXTURE = path.join(ROOT, 'test/fixtures/logdir/coqui', COQUI);

let server: TestServer;
let work: string;
let venvPython: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'lrscope-watch-'));
  server = await startServer({ env: { LRSCOPE_WATCH_DIR: path.join(work, 'server-copy') } });
  const venv = path.join(work, 'venv');
  expect(spawnSync(PYTHON, ['-m', 'venv', venv], { encoding: 'utf8' }).status).toBe(0);
  venvPython = path.join(venv, 'bin', 'python');
}, 120_000);
afterAll(() => server?.stop());

function watch(dir: string, ...extra: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(venvPython, ['-m', 'lrscope', 'watch', dir, '--host', 'trainbox', '--once', '--interval', '0.3', ...extra], {
    cwd: work,
    // No PYTHONPATH: the package is the one pip installed from the server.
    env: { ...process.env, PYTHONPATH: '', LRSCOPE_URL: server.url, LRSCOPE_API_KEY: server.apiKey },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const runNamed = async (name: string) => {
  const { runs } = data<{ runs: any[] }>(await query(server.url, 'runs.list', { limit: 500 }));
  const r = runs.find((x) => x.name === name);
  return r && data<{ run: any }>(await query(server.url, 'runs.get', { id: r.id })).run;
};

describe('python -m lrscope watch', () => {
  it('installs from the server into a fresh venv', async () => {
    const index = await (await fetch(`${server.url}/python/`)).text();
    const wheel = /href="([^"]+\.whl)"/.exec(index)![1];
    expect(wheel).toMatch(/^lrscope-\d+\.\d+\.\d+-py3-none-any\.whl$/);
    const pip = spawnSync(venvPython, ['-m', 'pip', 'install', '--no-index', `${server.url}/python/${wheel}`], { encoding: 'utf8', timeout: 120_000 });
    expect(pip.status, pip.stderr).toBe(0);
    const v = spawnSync(venvPython, ['-c', 'import lrscope, lrscope.watch; print(lrscope.__file__)'], { encoding: 'utf8', cwd: work });
    expect(v.stdout).toContain(path.join(work, 'venv'));
    expect((await fetch(`${server.url}/python/nope.whl`)).status).toBe(404);
  }, 180_000);

  it('ships a growing Coqui run folder, through an outage, and the server flags it with each step once', async () => {
    const logs = path.join(work, 'output');
    const run = path.join(logs, COQUI);
    mkdirSync(run, { recursive: true });
    cpSync(path.join(FIXTURE, 'config.json'), path.join(run, 'config.json'));
    const bytes = readFileSync(path.join(FIXTURE, readdirSync(FIXTURE).find((f) => f.includes('tfevents'))!));
    const records = readTfRecordsFrom(bytes).records;
    const events = path.join(run, 'events.out.tfevents.1796665554.trainbox');
    const cut = records[Math.floor(records.length * 0.45)].start + 7;
    appendFileSync(events, bytes.subarray(0, cut));

    const first = await watch(logs);
    expect(first.code, first.out).toBe(0);
    const name = `trainbox/output/${COQUI}`;
    const flagged = await until('the run flagged', async () => {
      const r = await runNamed(name);
      return r?.verdict?.flagged && r;
    });
    expect(flagged.verdict.causes).toEqual(['stepped_per_epoch', 'stuck']);

    // The server goes down; the run goes on; the watcher waits for it and resumes.
    await server.kill();
    appendFileSync(events, bytes.subarray(cut));
    const resumed = watch(logs);
    await new Promise((r) => setTimeout(r, 1500));
    await server.restart();
    const second = await resumed;
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/cannot reach/);

    const done = await until('every step stored', async () => {
      const r = await runNamed(name);
      return r?.pointCount === 121 && r;
    });
    const [counts] = await sql<{ n: number; lr: number; loss: number }>(server.databaseUrl, 'SELECT COUNT(*) AS n, COUNT("lr") AS lr, COUNT("loss") AS loss FROM "Point" WHERE "runId" = $1', [done.id]);
    expect([Number(counts.n), Number(counts.lr), Number(counts.loss)]).toEqual([121, 121, 121]);

    // Sent again from scratch (a new watcher knows nothing): nothing changes.
    const [{ batchSeq }] = await sql<{ batchSeq: number }>(server.databaseUrl, 'SELECT "batchSeq" FROM "Run" WHERE "id" = $1', [done.id]);
    expect((await watch(logs)).code).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    const [after] = await sql<{ batchSeq: number; pointCount: number }>(server.databaseUrl, 'SELECT "batchSeq", "pointCount" FROM "Run" WHERE "id" = $1', [done.id]);
    expect([Number(after.batchSeq), Number(after.pointCount)]).toEqual([Number(batchSeq), 121]);
  }, 180_000);

  it('refuses a file the server does not read, naming it, and an unknown key', async () => {
    const bad = await fetch(`${server.url}/api/trpc/sources.append`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
      body: JSON.stringify({ host: 'h', dir: 'd', path: '../etc/passwd', offset: 0, data: '' }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe('path: must be a relative path inside the watched folder, got "../etc/passwd"');
    const other = await fetch(`${server.url}/api/trpc/sources.append`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
      body: JSON.stringify({ host: 'h', dir: 'd', path: 'notes.txt', offset: 0, data: '' }),
    });
    expect((await other.json()).error.message).toMatch(/^path: "notes.txt" is neither a log file/);
    const nokey = await fetch(`${server.url}/api/trpc/sources.append`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ host: 'h', dir: 'd', path: 'metrics.csv', offset: 0, data: '' }) });
    expect(nokey.status).toBe(401);
  });
});
