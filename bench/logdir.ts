// Log-directory mode: (1) a logdir of RUNS Coqui-like runs × SCALARS scalars each (LR and loss per
// step) indexed from cold by a server started with --logdir: time, and points/s; (2) LIVE runs whose
// event files grow (one step every INTERVAL ms each): write → point on the run's live feed
// (what an open page receives), p95; then the server's CPU while the files are quiet.
//   npx tsx bench/logdir.ts [--runs 200] [--scalars 100000] [--live 50] [--interval 200] [--seconds 20] [--live-only]
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFeed, startServer, type TestServer } from '../test/helpers/server';
import { data, query } from '../test/helpers/trpc-http';
import { records, scalarEvent } from './tfevents-writer';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 200);
const SCALARS = arg('scalars', 100_000);
const LIVE = arg('live', 50);
const INTERVAL = arg('interval', 200);
const SECONDS = arg('seconds', 20);
const SKIP_COLD = process.argv.includes('--live-only');

const CONFIG = JSON.stringify({ lr: 5e-4, lr_scheduler: 'StepwiseGradualLR', lr_scheduler_params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, epochs: 1000 });

function steps(from: number, to: number): Uint8Array {
  const events: number[][] = [];
  for (let s = from; s < to; s++) {
    const t = 1.8e9 + s;
    events.push(scalarEvent(s, t, 'glow_tts_TrainIterStats/current_lr', 5e-4), scalarEvent(s, t, 'glow_tts_TrainIterStats/loss', 2 / Math.sqrt(1 + s)));
  }
  return records(events);
}

function makeRun(root: string, name: string, events: Uint8Array): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config.json'), CONFIG);
  const file = path.join(dir, 'events.out.tfevents.1800000000.bench');
  writeFileSync(file, events);
  return file;
}

async function totalPoints(server: TestServer): Promise<{ runs: number; points: number }> {
  const { runs } = data<{ runs: { pointCount: number }[] }>(await query(server.url, 'runs.list', { limit: 500 }));
  return { runs: runs.length, points: runs.reduce((n, r) => n + r.pointCount, 0) };
}

/** User + system CPU seconds of a process (Linux /proc). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// (1) Cold index.
if (!SKIP_COLD) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lrscope-logdir-bench-cold-'));
  const perRun = Math.floor(SCALARS / 2);
  const t0 = performance.now();
  // Every run gets the same events: indexing cost does not depend on the values.
  const events = steps(0, perRun);
  for (let i = 0; i < RUNS; i++) makeRun(root, `runs/run-${String(i).padStart(3, '0')}`, events);
  console.log(`logdir written               ${RUNS} runs × ${fmt(SCALARS)} scalars (${fmt(perRun)} steps each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const start = performance.now();
  const server = await startServer({ args: ['--api-only', '--logdir', path.join(root, 'runs')] });
  try {
    const expected = RUNS * perRun;
    let last = { runs: 0, points: 0 };
    while (last.points < expected) {
      await new Promise((r) => setTimeout(r, 500));
      last = await totalPoints(server);
    }
    const seconds = (performance.now() - start) / 1000;
    console.log(`cold index (server start → all stored)   ${seconds.toFixed(1)} s for ${fmt(expected)} points: ${fmt(expected / seconds)} points/s (${fmt((RUNS * perRun * 2) / seconds)} scalars/s)`);
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

// (2) Live.
{
  const root = mkdtempSync(path.join(os.tmpdir(), 'lrscope-logdir-bench-live-'));
  const first = steps(0, 10);
  const files = Array.from({ length: LIVE }, (_, i) => makeRun(root, `live/run-${String(i).padStart(2, '0')}`, first));
  const server = await startServer({ args: ['--api-only', '--logdir', path.join(root, 'live')] });
  try {
    let ids: number[] = [];
    while (ids.length < LIVE) {
      await new Promise((r) => setTimeout(r, 300));
      ids = data<{ runs: { id: number }[] }>(await query(server.url, 'runs.list', { limit: 500 })).runs.map((r) => r.id);
    }
    const byName = new Map<number, number>();
    const runs = data<{ runs: { id: number; name: string }[] }>(await query(server.url, 'runs.list', { limit: 500 })).runs;
    for (const r of runs) byName.set(r.id, Number(r.name.slice(-2)));
    const written = files.map(() => new Map<number, number>());
    const latencies: number[] = [];
    const feeds = ids.map((id) => {
      const feed = openFeed(server.url, 'live.run', { runId: id });
      feed.onEvent = (e) => {
        if (e.data.kind !== 'points') return;
        const w = written[byName.get(id)!];
        for (const p of e.data.points) {
          const at = w.get(p.step);
          if (at !== undefined) latencies.push(e.at - at);
        }
      };
      return feed;
    });
    await new Promise((r) => setTimeout(r, 3000));
    const next = files.map(() => 10);
    const end = performance.now() + SECONDS * 1000;
    // Each run writes a step every INTERVAL ms, the runs spread over the interval.
    let k = 0;
    while (performance.now() < end) {
      const i = k++ % LIVE;
      const s = next[i]++;
      written[i].set(s, performance.now());
      appendFileSync(files[i], steps(s, s + 1));
      await new Promise((r) => setTimeout(r, INTERVAL / LIVE));
    }
    await new Promise((r) => setTimeout(r, 4000));
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * p) - 1)];
    console.log(`live: ${LIVE} runs, a step every ${INTERVAL} ms each, ${SECONDS} s; ${fmt(latencies.length)} points seen`);
    console.log(`write → live feed   median ${q(0.5).toFixed(0)} ms  p95 ${q(0.95).toFixed(0)} ms  (budget p95 ≤ 500 ms: ${q(0.95) <= 500 ? 'met' : 'MISSED'})`);
    for (const f of feeds) await f.close();
    await new Promise((r) => setTimeout(r, 3000));
    const c0 = cpuSeconds(server.pid);
    const idleFor = 20;
    await new Promise((r) => setTimeout(r, idleFor * 1000));
    const cpu = (cpuSeconds(server.pid) - c0) / idleFor;
    console.log(`idle CPU, ${LIVE} quiet runs watched   ${(cpu * 100).toFixed(2)}% of one core over ${idleFor} s`);
  } finally {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
