// Ingest latency with live feeds open: N pages watch one run (live.run over SSE) while a trainer
// posts 100-point batches to it back to back. Every open feed used to re-read the run for every
// batch (500 feeds: 500 reads per batch, all on the server's one thread); feeds now share one read
// per change. Budget: runs.log latency with 500 feeds ≤ 2× the figure with none.
// The pages' SSE readers run in the bench's process ("inline": they compete with the timing of
// runs.log in one event loop, as before) and in a process of their own ("forked": only the
// machine's cores are shared); both are reported, each with its own 0-feed figure.
//   npx tsx bench/live-feeds.ts [--batches 40] [--feeds 0,100,500] [--readers forked,inline]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { openReaders, type ReaderState } from './live-feed-readers';
import { startServer } from '../test/helpers/server';
import { data, mutate } from '../test/helpers/trpc-http';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const BATCHES = Number(arg('batches', '40'));
const FEEDS = arg('feeds', '0,100,500').split(',').map(Number);
const READERS = arg('readers', 'forked,inline').split(',') as ('forked' | 'inline')[];
const BATCH = 100;

/** N readers in this process or in a forked one; their state is asked for (over IPC when forked). */
async function startReaders(mode: 'forked' | 'inline', port: number, runId: number, n: number) {
  if (mode === 'inline') {
    const r = openReaders(port, runId, n);
    return { state: async (step: number) => r.state(step), close: async () => r.close() };
  }
  const child = fork(new URL('./live-feed-readers.ts', import.meta.url).pathname, ['child', String(port), String(runId), String(n)], { stdio: 'inherit' });
  const replies: ((s: ReaderState) => void)[] = [];
  child.on('message', (m) => replies.shift()?.(m as ReaderState));
  return {
    state: (step: number) =>
      new Promise<ReaderState>((resolve) => {
        replies.push(resolve);
        child.send({ step });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}

/** CPU time the server process has used (user + system), from /proc: what fan-out costs, whatever else the machine runs. */
function serverCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const points = (from: number) => Array.from({ length: BATCH }, (_, i) => ({ step: from + i, lr: 1e-3, loss: 1 / (from + i + 1) }));
const waitUntil = async (ok: () => Promise<boolean>, ms: number, what: string, state?: () => Promise<unknown>) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${state ? ` (${JSON.stringify(await state())})` : ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)];

const server = await startServer({ env: { LRSCOPE_LIVE_FEEDS_PER_CLIENT: '1000', LRSCOPE_LIVE_FEEDS_MAX: '1000', LRSCOPE_RATE_LIMIT_RPS: '100000' } });
const rows: { readers: string; feeds: number; median: number; p95: number; fanOut: number; resets: number; cpuPerBatch: number }[] = [];
try {
  for (const mode of READERS) {
    for (const n of FEEDS) {
      const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: `feeds-${mode}-${n}` }, server.apiKey)).id;
      data(await mutate(server.url, 'runs.log', { runId, points: points(0) }, server.apiKey));
      const feeds = await startReaders(mode, server.port, runId, n);
      await waitUntil(async () => (await feeds.state(-1)).started === n, 60_000, `${n} feeds to start`);
      let next = BATCH;
      const ms: number[] = [];
      const cpuBefore = serverCpuMs(server.pid);
      for (let i = 0; i < BATCHES; i++) {
        const t0 = performance.now();
        data(await mutate(server.url, 'runs.log', { runId, points: points(next) }, server.apiKey));
        ms.push(performance.now() - t0);
        next += BATCH;
      }
      // Let the feeds catch up, then time one batch from post to every page having it.
      await waitUntil(async () => (await feeds.state(next - 1)).at === n, 60_000, 'feeds to catch up', () => feeds.state(next - 1));
      const cpuPerBatch = (serverCpuMs(server.pid) - cpuBefore) / BATCHES;
      const t0 = performance.now();
      data(await mutate(server.url, 'runs.log', { runId, points: points(next) }, server.apiKey));
      await waitUntil(async () => (await feeds.state(next + BATCH - 1)).at === n, 60_000, 'the last batch on every feed');
      const fanOut = performance.now() - t0;
      const { resets } = await feeds.state(-1);
      await feeds.close();
      rows.push({ readers: mode, feeds: n, median: q(ms, 0.5), p95: q(ms, 0.95), fanOut, resets, cpuPerBatch });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
} catch (err) {
  console.error(`the server said:\n${server.output().slice(-3000)}`);
  throw err;
} finally {
  await server.stop();
}
console.log(`runs.log of ${BATCH} points, ${BATCHES} batches back to back, N open live.run feeds on the run (SQLite)`);
console.log('readers: "forked" = the pages\' SSE readers in a process of their own; "inline" = in the process that times runs.log');
console.log('readers   feeds   median ms   p95 ms   ×0-feed median   server CPU ms per batch (feeds included)   post → all N feeds have it   resets (page re-reads its series)');
for (const mode of READERS) {
  const mine = rows.filter((r) => r.readers === mode);
  const base = mine.find((r) => r.feeds === 0)?.median;
  for (const r of mine) console.log(`${mode.padEnd(7)}   ${String(r.feeds).padStart(5)}   ${r.median.toFixed(1).padStart(9)}   ${r.p95.toFixed(1).padStart(6)}   ${base ? (r.median / base).toFixed(2).padStart(14) : '             -'}   ${r.cpuPerBatch.toFixed(1).padStart(39)}   ${`${r.fanOut.toFixed(0)} ms`.padStart(26)}   ${r.resets}`);
  const at500 = mine.find((r) => r.feeds === 500);
  if (base && at500) console.log(`${mode.padEnd(7)}   budget ≤ 2× at 500 feeds: ${at500.median / base <= 2 ? 'met' : 'MISSED'} (${(at500.median / base).toFixed(2)}×)`);
}
