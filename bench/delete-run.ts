// Deleting a big run must not stall ingest for the others (budget: a concurrent writer keeps
// ≥ 50% of its undisturbed throughput). A run of 1,000,000 points (with its rollups) is loaded
// over HTTP; one writer then posts batches of 1,000 points to another run, one request at a
// time like a trainer, while runs.delete removes the big run. Its throughput during the delete is
// compared with its throughput just before and just after (their mean, so drift on a shared
// machine cancels), on SQLite and on PostgreSQL.
//   npx tsx bench/delete-run.ts [--points 1000000] [--db sqlite|postgres|both]
import { createTempPostgresDatabase } from '../test/helpers/postgres';
import { sql } from '../test/helpers/raw-db';
import { startServer, type TestServer } from '../test/helpers/server';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const POINTS = Number(arg('points', '1000000'));
const WHICH = arg('db', 'both');
const LOAD_BATCH = 10_000;
const WRITE_BATCH = 1_000;
const BASELINE_MS = 6_000;

async function call(server: TestServer, procedure: string, input: unknown): Promise<any> {
  const res = await fetch(`${server.url}/api/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` },
    body: JSON.stringify(input),
  });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${procedure}: HTTP ${res.status}: ${body.error?.message}`);
  return body.result.data;
}

const point = (step: number) => ({ step, epoch: Math.floor(step / 1000), lr: 1e-3 * 0.5 ** Math.floor(step / 100_000), loss: 2 / Math.sqrt(step + 1), metrics: { grad_norm: 1 + (step % 97) / 97 } });

async function loadBigRun(server: TestServer): Promise<number> {
  const { id } = await call(server, 'runs.create', { name: 'big' });
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < POINTS) {
        const from = next;
        next += LOAD_BATCH;
        await call(server, 'runs.log', { runId: id, points: Array.from({ length: Math.min(LOAD_BATCH, POINTS - from) }, (_, i) => point(from + i)) });
      }
    }),
  );
  return id;
}

/** Posts batches until stopped; records when each one was acknowledged. */
function startWriter(server: TestServer, runId: number) {
  const acked: number[] = [];
  let stopped = false;
  let step = 0;
  const done = (async () => {
    while (!stopped) {
      const from = step;
      step += WRITE_BATCH;
      await call(server, 'runs.log', { runId, points: Array.from({ length: WRITE_BATCH }, (_, i) => point(from + i)) });
      acked.push(performance.now());
    }
  })();
  return {
    /** Points per second acknowledged in [t0, t1). */
    rate: (t0: number, t1: number) => (acked.filter((t) => t >= t0 && t < t1).length * WRITE_BATCH * 1000) / (t1 - t0),
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(provider: 'sqlite' | 'postgres') {
  const pg = provider === 'postgres' ? await createTempPostgresDatabase() : null;
  const server = await startServer(pg ? { databaseUrl: pg.url } : {});
  try {
    const t0 = performance.now();
    const big = await loadBigRun(server);
    const loadSeconds = (performance.now() - t0) / 1000;
    const { id: other } = await call(server, 'runs.create', { name: 'trainer' });
    const writer = startWriter(server, other);
    await sleep(1_000); // warm-up
    const b0 = performance.now();
    await sleep(BASELINE_MS);
    const d0 = performance.now();
    const deleted = await call(server, 'runs.delete', { runId: big });
    // runs.delete replies at once; the rows go in chunks until the run row itself is gone.
    while ((await sql(server.databaseUrl, 'SELECT "id" FROM "Run" WHERE "id" = $1', [big])).length > 0) await sleep(100);
    const d1 = performance.now();
    await sleep(BASELINE_MS);
    const a1 = performance.now();
    await writer.stop();
    const before = writer.rate(b0, d0);
    const during = writer.rate(d0, d1);
    const after = writer.rate(d1, a1);
    const undisturbed = (before + after) / 2;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(`${provider.padEnd(10)} run of ${fmt(deleted.points)} points (loaded in ${loadSeconds.toFixed(1)} s) deleted in ${((d1 - d0) / 1000).toFixed(1)} s`);
    console.log(`${''.padEnd(10)} writer: ${fmt(before)} points/s before, ${fmt(during)} during, ${fmt(after)} after`);
    console.log(`${''.padEnd(10)} during / undisturbed = ${(during / undisturbed).toFixed(2)}   (budget ≥ 0.50: ${during / undisturbed >= 0.5 ? 'met' : 'MISSED'})`);
  } finally {
    await server.stop();
    await pg?.drop();
  }
}

for (const provider of WHICH === 'both' ? (['sqlite', 'postgres'] as const) : [WHICH as 'sqlite' | 'postgres']) await measure(provider);
