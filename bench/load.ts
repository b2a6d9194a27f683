// Load test: 50 simulated trainers × 20,000 steps against two lrscope instances sharing one
// PostgreSQL, all on loopback. Prints points/s, ingest latency percentiles and errors, then
// verifies every point landed exactly once. Meanwhile `--watchers` pages follow a trainer's run
// live on the *other* instance (LISTEN/NOTIFY fan-out): post → visible latency, and each
// watcher must have seen every point of its run once, in order.
//   npx tsx bench/load.ts [--trainers 50] [--steps 20000] [--batch 500] [--watchers 5] [--seconds 600]
import { createTempPostgresDatabase } from '../test/helpers/postgres';
import { type LiveFeed, openFeed, startServer } from '../test/helpers/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRAINERS = arg('trainers', 50);
const STEPS = arg('steps', 20_000);
const BATCH = arg('batch', 500);
const DEADLINE_S = arg('seconds', 600);
const WATCHERS = Math.min(arg('watchers', 5), TRAINERS);

const pg = await createTempPostgresDatabase();
const a = await startServer({ databaseUrl: pg.url });
const b = await startServer({ databaseUrl: pg.url });
const key = a.apiKey || b.apiKey;
const latencies: number[] = [];
/** Post started (A) → its last point arrived on a page on the other instance (B). */
const liveLatencies: number[] = [];
/** The trainer got its reply → the page had the batch (negative: the page had it first). */
const liveAfterAck: number[] = [];
const watchers: { feed: LiveFeed; id: number }[] = [];
let errors = 0;
let posted = 0;
const deadline = Date.now() + DEADLINE_S * 1000;

async function post(url: string, procedure: string, body: unknown): Promise<any> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (procedure === 'runs.log') latencies.push(performance.now() - t0);
  if (res.status !== 200) {
    errors++;
    throw new Error(`${procedure}: HTTP ${res.status} ${json.error?.message}`);
  }
  return json.result.data;
}

async function trainer(i: number): Promise<number> {
  // Trainers alternate between the instances, as behind a round-robin balancer.
  const url = i % 2 === 0 ? a.url : b.url;
  const { id } = await post(url, 'runs.create', {
    name: `load-${i}`,
    schedule: { name: 'StepLR', params: { step_size: 5000, gamma: 0.5 }, interval: 'step', baseLr: 0.1 },
  });
  // The first trainers' runs are watched from the instance they do not post to.
  const postedAt = new Map<number, number>();
  const ackedAt = new Map<number, number>();
  const arrivedAt = new Map<number, number>();
  if (i < WATCHERS) {
    const feed = openFeed(i % 2 === 0 ? b.url : a.url, 'live.run', { runId: id });
    feed.onEvent = (e) => {
      if (e.data.kind !== 'points') return;
      for (const p of e.data.points as { step: number }[]) {
        const t0 = postedAt.get(p.step);
        if (t0 === undefined) continue;
        liveLatencies.push(e.at - t0);
        const acked = ackedAt.get(p.step);
        if (acked === undefined) arrivedAt.set(p.step, e.at);
        else liveAfterAck.push(e.at - acked);
      }
    };
    await feed.wait('the live feed to start', (ev) => ev.length > 0, 30_000);
    watchers.push({ feed, id });
  }
  for (let s = 0; s < STEPS && Date.now() < deadline; s += BATCH) {
    const points = Array.from({ length: Math.min(BATCH, STEPS - s) }, (_, k) => ({ step: s + k, lr: 0.1 * 0.5 ** Math.floor((s + k) / 5000), loss: 1 / (s + k + 1) }));
    const last = points[points.length - 1].step;
    if (i < WATCHERS) postedAt.set(last, performance.now());
    await post(url, 'runs.log', { runId: id, points });
    if (i < WATCHERS) {
      const acked = performance.now();
      ackedAt.set(last, acked);
      const arrived = arrivedAt.get(last);
      if (arrived !== undefined) liveAfterAck.push(arrived - acked);
    }
    posted += points.length;
  }
  return id;
}

const t0 = performance.now();
const ids = await Promise.all(Array.from({ length: TRAINERS }, (_, i) => trainer(i).catch((e) => (console.error(String(e)), -1))));
const seconds = (performance.now() - t0) / 1000;

// Every watcher saw its run's points once each, in step order (trainers post in order).
let watchedComplete = 0;
for (const w of watchers) {
  await w.feed.wait('the last points on the watching page', () => w.feed.steps().length >= STEPS, 10_000).catch(() => {});
  const got = w.feed.steps();
  if (got.length === STEPS && got.every((step, k) => step === k)) watchedComplete++;
  await w.feed.close();
}

// Verification straight from the database: every (run, step) once, nothing missing.
const pgMod = await import('pg');
const client = new pgMod.default.Client({ connectionString: pg.url });
await client.connect();
const { rows } = await client.query(
  'SELECT "runId", COUNT(*)::int AS n, COUNT(DISTINCT step)::int AS distinct_steps, MIN(step) AS lo, MAX(step) AS hi FROM "Point" WHERE "runId" = ANY($1) GROUP BY "runId"',
  [ids.filter((x) => x > 0)],
);
await client.end();
const complete = rows.filter((r) => r.n === STEPS && r.distinct_steps === STEPS && r.lo === 0 && r.hi === STEPS - 1).length;

latencies.sort((x, y) => x - y);
liveLatencies.sort((x, y) => x - y);
liveAfterAck.sort((x, y) => x - y);
const at = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]?.toFixed(1);
const pct = (p: number) => at(latencies, p);
console.log(`trainers × steps            ${TRAINERS} × ${STEPS} in batches of ${BATCH}, 2 instances, one PostgreSQL`);
console.log(`points posted               ${posted.toLocaleString('en-US')} in ${seconds.toFixed(1)} s`);
console.log(`throughput                  ${Math.round(posted / seconds).toLocaleString('en-US')} points/s`);
console.log(`runs.log latency            p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms (${latencies.length} calls)`);
console.log(`errors                      ${errors}`);
console.log(`runs complete, exactly once ${complete} of ${TRAINERS}${complete === TRAINERS ? '' : '  ← MISSING OR DUPLICATED POINTS'}`);
if (WATCHERS > 0) {
  console.log(`live on the other instance  p50 ${at(liveLatencies, 50)} ms, p95 ${at(liveLatencies, 95)} ms, p99 ${at(liveLatencies, 99)} ms post sent → visible (${liveLatencies.length} batches, ${WATCHERS} pages)`);
  console.log(`                            p50 ${at(liveAfterAck, 50)} ms, p95 ${at(liveAfterAck, 95)} ms, p99 ${at(liveAfterAck, 99)} ms reply received → visible (< 0: visible first)`);
  console.log(`pages complete, in order    ${watchedComplete} of ${WATCHERS}${watchedComplete === WATCHERS ? '' : '  ← A PAGE MISSED, REPEATED OR REORDERED POINTS'}`);
}

await a.stop();
await b.stop();
await pg.drop();
process.exitCode = errors === 0 && complete === TRAINERS && watchedComplete === WATCHERS ? 0 : 1;
