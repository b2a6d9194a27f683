// Ingest latency with live feeds open: N pages watch one run (live.run over SSE) while a trainer
// posts 100-point batches to it back to back. Every open feed used to re-read the run for every
// batch (500 feeds: 500 reads per batch, all on the server's one thread); feeds now share one read
// per change. Budget: runs.log latency with 500 feeds ≤ 2× the figure with none.
//   npx tsx bench/live-feeds.ts [--batches 40] [--feeds 0,100,500]
import http from 'node:http';
import { startServer } from '../test/helpers/server';
import { data, mutate } from '../test/helpers/trpc-http';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const BATCHES = Number(arg('batches', '40'));
const FEEDS = arg('feeds', '0,100,500').split(',').map(Number);
const BATCH = 100;

/** A minimal SSE reader: the bench process must not be what is slow, so it only looks for one marker. */
function openFeed(port: number, runId: number) {
  let seen = '';
  let tail = '';
  let started = false;
  const req = http.get({ host: '127.0.0.1', port, agent: false, path: `/api/trpc/live.run?input=${encodeURIComponent(JSON.stringify({ runId }))}`, headers: { accept: 'text/event-stream' } }, (res) => {
    if (res.statusCode !== 200) throw new Error(`live.run: HTTP ${res.statusCode}`);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const text = tail + chunk;
      if (text.includes('"kind":"start"')) started = true;
      const last = [...text.matchAll(/"step":(\d+)/g)].pop();
      if (last) seen = last[1];
      tail = text.slice(-64);
    });
  });
  req.on('error', () => {});
  return { started: () => started, lastStep: () => Number(seen || -1), close: () => req.destroy() };
}

const points = (from: number) => Array.from({ length: BATCH }, (_, i) => ({ step: from + i, lr: 1e-3, loss: 1 / (from + i + 1) }));
const waitUntil = async (ok: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)];

const server = await startServer({ env: { LRSCOPE_LIVE_FEEDS_PER_CLIENT: '1000', LRSCOPE_LIVE_FEEDS_MAX: '1000', LRSCOPE_RATE_LIMIT_RPS: '100000' } });
const rows: { feeds: number; median: number; p95: number; fanOut: number }[] = [];
try {
  for (const n of FEEDS) {
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: `feeds-${n}` }, server.apiKey)).id;
    data(await mutate(server.url, 'runs.log', { runId, points: points(0) }, server.apiKey));
    const feeds = Array.from({ length: n }, () => openFeed(server.port, runId));
    await waitUntil(() => feeds.every((f) => f.started()), 60_000, `${n} feeds to start`);
    let next = BATCH;
    const ms: number[] = [];
    for (let i = 0; i < BATCHES; i++) {
      const t0 = performance.now();
      data(await mutate(server.url, 'runs.log', { runId, points: points(next) }, server.apiKey));
      ms.push(performance.now() - t0);
      next += BATCH;
    }
    // Let the feeds catch up, then time one batch from post to every page having it.
    await waitUntil(() => feeds.every((f) => f.lastStep() === next - 1), 60_000, 'feeds to catch up');
    const t0 = performance.now();
    data(await mutate(server.url, 'runs.log', { runId, points: points(next) }, server.apiKey));
    await waitUntil(() => feeds.every((f) => f.lastStep() === next + BATCH - 1), 60_000, 'the last batch on every feed');
    const fanOut = performance.now() - t0;
    for (const f of feeds) f.close();
    rows.push({ feeds: n, median: q(ms, 0.5), p95: q(ms, 0.95), fanOut });
    await new Promise((r) => setTimeout(r, 500));
  }
} finally {
  await server.stop();
}
const base = rows.find((r) => r.feeds === 0)?.median;
console.log(`runs.log of ${BATCH} points, ${BATCHES} batches back to back, N open live.run feeds on the run (SQLite)`);
console.log('feeds   median ms   p95 ms   ×0-feed median   post → all N feeds have it');
for (const r of rows) console.log(`${String(r.feeds).padStart(5)}   ${r.median.toFixed(1).padStart(9)}   ${r.p95.toFixed(1).padStart(6)}   ${base ? (r.median / base).toFixed(2).padStart(14) : '             -'}   ${r.fanOut.toFixed(0)} ms`);
const at500 = rows.find((r) => r.feeds === 500);
if (base && at500) console.log(`budget ≤ 2× at 500 feeds      ${at500.median / base <= 2 ? 'met' : 'MISSED'} (${(at500.median / base).toFixed(2)}×)`);
