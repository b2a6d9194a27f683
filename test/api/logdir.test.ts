// Log-directory mode end to end: a server started with nothing but --logdir finds the Coqui,
// Hugging Face and Lightning folders (event files written by tensorboardX), reads their schedules
// from the configs beside the logs and flags them, live as their files grow — appended in pieces
// cut inside records — and, across a crash and restarts, stores every step once and re-sends nothing.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTfRecordsFrom } from '@/lib/import/tfrecord-stream';
import { sql } from '../helpers/raw-db';
import { ROOT, type TestServer, startServer } from '../helpers/server';
import { data, query } from '../helpers/trpc-http';
import { until } from '../helpers/until';

const FIXTURES = path.join(ROOT, 'test/fixtures/logdir');
const COQUI = 'coqui/glow_tts_ljspeech-December-07-2026_05+45PM-0000000';
const HF = 'hf/bert-finetune/runs/Dec07_17-45-00_trainbox';
const LIGHTNING = 'lightning/lightning_logs/version_0';

let server: TestServer;
let dir: string;

const eventsIn = (folder: string) => path.join(FIXTURES, folder, readdirSync(path.join(FIXTURES, folder)).find((f) => f.includes('tfevents'))!);

async function runNamed(name: string): Promise<any | undefined> {
  const { runs } = data<{ runs: any[] }>(await query(server.url, 'runs.list', { limit: 500 }));
  const found = runs.find((r) => r.name === name);
  return found && data<{ run: any }>(await query(server.url, 'runs.get', { id: found.id })).run;
}

const source = async (runId: number) => data<any>(await query(server.url, 'sources.get', { runId }));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-logdir-'));
  cpSync(path.join(FIXTURES, 'hf'), path.join(dir, 'hf'), { recursive: true });
  cpSync(path.join(FIXTURES, 'lightning'), path.join(dir, 'lightning'), { recursive: true });
  cpSync(path.join(FIXTURES, 'plain'), path.join(dir, 'plain'), { recursive: true });
  // A run that ended an hour ago: history, not a stalled run.
  cpSync(path.join(FIXTURES, LIGHTNING), path.join(dir, 'old/version_0'), { recursive: true });
  const hourAgo = new Date(Date.now() - 3600_000);
  utimesSync(path.join(dir, 'old/version_0/metrics.csv'), hourAgo, hourAgo);
  // The Coqui run starts as Coqui starts one: its config, then an event file that grows.
  mkdirSync(path.join(dir, COQUI), { recursive: true });
  cpSync(path.join(FIXTURES, COQUI, 'config.json'), path.join(dir, COQUI, 'config.json'));
  server = await startServer({ args: ['--api-only', '--logdir', dir], env: { LRSCOPE_LOGDIR_POLL_SECONDS: '1' } });
}, 60_000);
afterAll(() => server?.stop());

describe('a server started with --logdir', () => {
  it('flags the Hugging Face and Lightning folders from the configs beside their logs, and passes a correct run', async () => {
    // The last step is held back until its file has been quiet for a moment: wait for all of it.
    const hf = await until('the Hugging Face run read and judged', async () => {
      const r = await runNamed(HF);
      return r?.verdict?.flagged && r.pointCount === 200 && r;
    });
    expect(hf.schedule).toEqual({ name: 'linear', params: { num_warmup_steps: 100, num_training_steps: 2000 }, baseLr: 5e-5, interval: 'step' });
    expect(hf.verdict.causes).toContain('stuck');
    expect(hf.tags).toContain('logdir');
    expect((await source(hf.id)).scheduleFrom).toBe('TrainingArguments (Hugging Face)');

    const lt = await until('the Lightning run judged', async () => (await runNamed(LIGHTNING))?.verdict?.flagged && runNamed(LIGHTNING));
    expect(lt.schedule).toMatchObject({ name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 3000 }, interval: 'step' });
    expect(lt.verdict.causes).toEqual(['stepped_per_epoch']);
    expect(lt.verdict.fix).toMatch(/interval/);
    const ltSource = await source(lt.id);
    expect(ltSource).toMatchObject({ path: LIGHTNING, scheduleFrom: 'hparams.yaml (Lightning)', files: [{ path: 'metrics.csv', kind: 'csv', errors: 0 }] });
    expect(ltSource.notes[0]).toMatch(/Lightning steps the scheduler once per epoch/);

    const ok = await until('the cosine run read', async () => {
      const r = await runNamed('plain/cosine');
      return r?.pointCount === 200 && r;
    });
    expect(ok.verdict).toMatchObject({ kind: 'ok', flagged: false });
    const old = await until('the old run read', async () => {
      const r = await runNamed('old/version_0');
      return r?.status === 'finished' && r;
    });
    expect(old.verdict.flagged).toBe(true);
    expect(lt.status).toBe('running');

    // The project is the log directory's name.
    const { runs } = data<{ runs: any[] }>(await query(server.url, 'runs.list', { project: path.basename(dir), limit: 500 }));
    expect(runs.length).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('follows a Coqui event file growing in pieces cut inside records, flags it live, and stores each step once across a crash and restarts', { timeout: 120_000 }, async () => {
    const bytes = readFileSync(eventsIn(COQUI));
    const file = path.join(dir, COQUI, 'events.out.tfevents.1796665554.trainbox');
    const records = readTfRecordsFrom(bytes).records;
    // Cuts 5 bytes into a record: the reader must wait for the rest, not fail or skip it.
    const cutAt = (fraction: number) => records[Math.floor(records.length * fraction)].start + 5;
    const cuts = [cutAt(0.2), cutAt(0.45), cutAt(0.7), bytes.length];
    appendFileSync(file, bytes.subarray(0, cuts[0]));

    const early = await until('the first points', async () => {
      const r = await runNamed(COQUI);
      return r && r.pointCount > 0 && r.verdict?.kind === 'ok' && r;
    });
    expect(early.schedule).toMatchObject({ name: 'StepwiseGradualLR', interval: 'step', baseLr: 5e-4 });
    expect(early.lastStep).toBeLessThan(1000);
    // The file stays quiet longer than the server's quiet period (2 s) while it ends inside a
    // record: the step being written must still wait for its LR and loss, not go out without them.
    await new Promise((r) => setTimeout(r, 3_500));

    appendFileSync(file, bytes.subarray(cuts[0], cuts[1]));
    const flagged = await until('the Coqui run flagged', async () => {
      const r = await runNamed(COQUI);
      return r?.verdict?.flagged && r;
    });
    expect(flagged.verdict.causes).toEqual(['stepped_per_epoch', 'stuck']);
    expect(flagged.verdict.firstBadStep).toBe(1000);
    expect(flagged.verdict.fix).toMatch(/scheduler_after_epoch/);
    expect(flagged.stepsPerEpoch).toBe(200);

    // A crash right after the file grew, then the rest of the run while the server is down.
    appendFileSync(file, bytes.subarray(cuts[1], cuts[2]));
    await server.kill();
    appendFileSync(file, bytes.subarray(cuts[2], cuts[3]));
    await server.restart();
    const id = flagged.id;
    await until('the whole file read', async () => {
      const s = await source(id);
      return s.files[0]?.bytesRead === bytes.length;
    });
    const points = await sql<{ n: number; lr: number; loss: number }>(server.databaseUrl, 'SELECT COUNT(*) AS n, COUNT("lr") AS lr, COUNT("loss") AS loss FROM "Point" WHERE "runId" = $1', [id]);
    // Steps 0, 25, ..., 3000: each once, each with its LR and its loss (no step split by a cut).
    expect(points.map((p) => [Number(p.n), Number(p.lr), Number(p.loss)])).toEqual([[121, 121, 121]]);
    const before = await runNamed(COQUI);
    expect(before.pointCount).toBe(121);
    expect(before.verdict.causes).toEqual(['stepped_per_epoch', 'stuck']);

    // Another restart with nothing new: nothing is sent again.
    const [{ batchSeq }] = await sql<{ batchSeq: number }>(server.databaseUrl, 'SELECT "batchSeq" FROM "Run" WHERE "id" = $1', [id]);
    await server.kill();
    await server.restart();
    await new Promise((r) => setTimeout(r, 4000));
    const [after] = await sql<{ batchSeq: number; pointCount: number }>(server.databaseUrl, 'SELECT "batchSeq", "pointCount" FROM "Run" WHERE "id" = $1', [id]);
    expect([Number(after.batchSeq), Number(after.pointCount)]).toEqual([Number(batchSeq), 121]);
  });

  it('counts a corrupt record and an unreadable file on the run page, never crashing or leaving a silently empty run', async () => {
    const bytes = new Uint8Array(readFileSync(eventsIn('plain/cosine')));
    const records = readTfRecordsFrom(bytes).records;
    const damaged = bytes.slice();
    damaged[records[5].start + 14] ^= 0xff; // inside record 6's data: its data CRC fails
    mkdirSync(path.join(dir, 'broken/crc'), { recursive: true });
    writeFileSync(path.join(dir, 'broken/crc/events.out.tfevents.1.host'), damaged);
    mkdirSync(path.join(dir, 'broken/garbage'), { recursive: true });
    writeFileSync(path.join(dir, 'broken/garbage/events.out.tfevents.2.host'), 'this is not a TFRecord file at all, just text\n'.repeat(4));

    const read = await until('the damaged run read', async () => {
      const r = await runNamed('broken/crc');
      return r && (await source(r.id)).files[0]?.bytesRead === bytes.length && r;
    });
    const crc = await runNamed('broken/crc');
    expect(crc.id).toBe(read.id);
    const crcSource = await source(crc.id);
    expect(crcSource.files[0]).toMatchObject({ errors: 1, lastError: expect.stringMatching(/data's CRC does not match; record skipped/) });
    // The skipped record held one of 400 scalars; every other step is there.
    expect(crc.pointCount).toBe(200);
    expect(crc.verdict.kind).toBe('no_schedule');

    const garbage = await until('the garbage run shown', async () => runNamed('broken/garbage'));
    const g = await until('its error', async () => {
      const s = await source(garbage.id);
      return s.files[0]?.errors > 0 && s;
    });
    expect(g.files[0].lastError).toMatch(/length's CRC does not match/);
    expect(garbage.pointCount).toBe(0);
    expect(server.output()).not.toMatch(/TypeError|RangeError|unhandled/i);
  }, 60_000);
});
