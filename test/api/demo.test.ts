// `lrscope demo --fast` as a user runs it (a child process): its runs go live through the
// public API, and lrscope flags exactly the three broken ones, each with its cause.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, ROOT, type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';

let server: TestServer;

function runDemo(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', ...args], {
      cwd: ROOT,
      env: { ...process.env, LRSCOPE_URL: '', LRSCOPE_API_KEY: '', PORT: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run ids by name, from the lines the demo prints before it starts ("  #3 demo-coqui-...: story"). */
function runIds(stdout: string): Record<string, number> {
  return Object.fromEntries([...stdout.matchAll(/^ {2}#(\d+) (demo-[\w-]+):/gm)].map((m) => [m[2], Number(m[1])]));
}

const EXPECTED: Record<string, { flagged: boolean; causes: string[] }> = {
  'demo-resnet-multisteplr-per-epoch': { flagged: false, causes: [] },
  'demo-hf-cosine-warmup': { flagged: false, causes: [] },
  'demo-coqui-stepwise-per-epoch': { flagged: true, causes: ['stepped_per_epoch', 'stuck'] },
  'demo-steplr-never-stepped': { flagged: true, causes: ['never_stepped', 'stuck'] },
  'demo-linear-grad-accum-4x': { flagged: true, causes: ['stepped_too_often'] },
};

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

describe('lrscope demo --fast', () => {
  it('sends five runs through the API and lrscope flags the three broken ones with their causes', async () => {
    const out = await runDemo(['--fast'], { LRSCOPE_URL: server.url, LRSCOPE_API_KEY: server.apiKey });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const ids = runIds(out.stdout);
    expect(Object.keys(ids).sort()).toEqual(Object.keys(EXPECTED).sort());

    for (const [name, expected] of Object.entries(EXPECTED)) {
      const run = data<any>(await query(server.url, 'runs.get', { id: ids[name] })).run;
      expect(run, name).toMatchObject({ name, project: 'default', status: 'finished', pointCount: 2400, lastStep: 2399, tags: ['demo'] });
      expect({ name, flagged: run.verdict.flagged, causes: run.verdict.causes }).toEqual({ name, ...expected });
      expect(run.verdict.kind, name).toBe(expected.flagged ? 'flagged' : 'ok');
    }
    // The founding story, scaled to 2,400 steps: flagged where the schedule first asks for 4e-4.
    const coqui = data<any>(await query(server.url, 'runs.get', { id: ids['demo-coqui-stepwise-per-epoch'] })).run.verdict;
    expect(coqui).toMatchObject({ firstBadStep: 1000, expected: 4e-4, actual: 5e-4 });
    expect(coqui.message).toMatch(/scheduler_after_epoch=False/);

    // The printout ends with the verdicts read back and where to look.
    expect(out.stdout).toMatch(/demo-coqui-stepwise-per-epoch +2,400\/2,400 steps .*FLAGGED at step 1,000: stepped_per_epoch, stuck/);
    expect(out.stdout).toMatch(/demo-resnet-multisteplr-per-epoch +2,400\/2,400 steps .* ok$/m);
    expect(out.stdout).toContain(`Dashboard: ${server.url}/`);
    expect(out.stdout).toContain(`compare?runs=${Object.values(ids).join(',')}`);
  });

  it('starts the app itself when LRSCOPE_URL is not set, with a key for the project "demo"', async () => {
    const db = await freshDatabase();
    try {
      const out = await runDemo(['--fast', '--api-only', '--steps', '960'], { DATABASE_URL: db.url, PORT: '0' });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      expect(out.stdout).toMatch(/lrscope: listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out.stdout).toMatch(/created project "default" with API key lrs_/);
      expect(out.stdout).toMatch(/demo-steplr-never-stepped +960\/960 steps .*FLAGGED at step \d+: never_stepped, stuck/);
      expect(out.stdout).toMatch(/demo-linear-grad-accum-4x +960\/960 steps .*FLAGGED at step \d+: stepped_too_often/);
      expect(out.stdout).toMatch(/demo-hf-cosine-warmup +960\/960 steps .* ok$/m);
    } finally {
      await db.drop();
    }
  });

  it('rejects bad options with exit code 2 and the usage', async () => {
    const out = await runDemo(['--steps', 'many'], { LRSCOPE_URL: server.url, LRSCOPE_API_KEY: server.apiKey });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^lrscope demo: --steps must be an integer from 480 to 10000000, got many\nusage: lrscope demo/);
  });
});
