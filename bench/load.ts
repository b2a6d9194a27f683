// Load test: 50 simulated trainers × 20,000 steps against two lrscope instances sharing one
// PostgreSQL, all on loopback. Prints points/s, ingest latency percentiles and errors, then
// verifies every point landed exactly once.
//   npx tsx bench/load.ts [--trainers 50] [--steps 20000] [--batch 500] [--seconds 600]
import { createTempPostgresDatabase } from '../test/helpers/postgres';
import { startServer } from '../test/helpers/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRAINERS = arg('trainers', 50);
const STEPS = arg('steps', 20_000);
const BATCH = arg('batch', 500);
const DEADLINE_S = arg('seconds', 600);

const pg = await createTempPostgresDatabase();
const a = await startServer({ databaseUrl: pg.url });
const b = await startServer({ databaseUrl: pg.url });
const key = a.apiKey || b.apiKey;
const latencies: number[] = [];
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
  for (let s = 0; s < STEPS && Date.now() < deadline; s += BATCH) {
    const points = Array.from({ length: Math.min(BATCH, STEPS - s) }, (_, k) => ({ step: s + k, lr: 0.1 * 0.5 ** Math.floor((s + k) / 5000), loss: 1 / (s + k + 1) }));
    await post(url, 'runs.log', { runId: id, points });
    posted += points.length;
  }
  return id;
}

const t0 = performance.now();
const ids = await Promise.all(Array.from({ length: TRAINERS }, (_, i) => trainer(i).catch((e) => (console.error(String(e)), -1))));
const seconds = (performance.now() - t0) / 1000;

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
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]?.toFixed(1);
console.log(`trainers × steps            ${TRAINERS} × ${STEPS} in batches of ${BATCH}, 2 instances, one PostgreSQL`);
console.log(`points posted               ${posted.toLocaleString('en-US')} in ${seconds.toFixed(1)} s`);
console.log(`throughput                  ${Math.round(posted / seconds).toLocaleString('en-US')} points/s`);
console.log(`runs.log latency            p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms (${latencies.length} calls)`);
console.log(`errors                      ${errors}`);
console.log(`runs complete, exactly once ${complete} of ${TRAINERS}${complete === TRAINERS ? '' : '  ← MISSING OR DUPLICATED POINTS'}`);

await a.stop();
await b.stop();
await pg.drop();
process.exitCode = errors === 0 && complete === TRAINERS ? 0 : 1;
