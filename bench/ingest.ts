// Ingest throughput: batches of 1,000 points posted over HTTP to the real server (SQLite),
// beside raw better-sqlite3 prepared inserts into the same table in one transaction, measured
// in the same run. Budget (DESIGN.md): ≥ 50,000 points/s and ≥ 0.3 of raw.
//   npx tsx bench/ingest.ts [--points 300000] [--concurrency 4]
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrateSqlite } from '../src/server/db/migrate-sqlite';
import { startServer } from '../test/helpers/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TOTAL = arg('points', 300_000);
const BATCH = 1000;
const CONCURRENCY = arg('concurrency', 4);

function makePoint(step: number) {
  return { step, epoch: Math.floor(step / 1000), lr: 5e-4 * 0.5 ** Math.floor(step / 100_000), loss: 2 / Math.sqrt(step + 1), time: 1.7e9 + step * 0.05 };
}

async function overHttp(): Promise<number> {
  const server = await startServer();
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` };
    const create = await fetch(`${server.url}/api/trpc/runs.create`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench-ingest' }) });
    const runId = (await create.json()).result.data.id as number;
    const bodies: string[] = [];
    for (let s = 0; s < TOTAL + 20 * BATCH; s += BATCH) {
      bodies.push(JSON.stringify({ runId, points: Array.from({ length: BATCH }, (_, i) => makePoint(s + i)) }));
    }
    const post = async (body: string) => {
      const res = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers, body });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    };
    // Warm-up: JIT, prepared statements, connections.
    for (const body of bodies.splice(0, 20)) await post(body);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) await post(bodies[next++]);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return (bodies.length * BATCH) / seconds;
  } finally {
    await server.stop();
  }
}

function raw(): number {
  const db = new Database(path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-bench-')), 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrateSqlite(db);
  db.prepare(`INSERT INTO "Project" ("name", "createdAt") VALUES ('p', 0)`).run();
  db.prepare(`INSERT INTO "Run" ("projectId", "name", "startedAt", "lastSeenAt") VALUES (1, 'raw', 0, 0)`).run();
  const insert = db.prepare('INSERT INTO "Point" ("runId", "step", "epoch", "lr", "lrs", "loss", "time", "batch") VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const points = Array.from({ length: TOTAL }, (_, i) => makePoint(i));
  const t0 = performance.now();
  db.transaction(() => {
    for (const p of points) insert.run(1, p.step, p.epoch, p.lr, null, p.loss, p.time, 1);
  })();
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return TOTAL / seconds;
}

const rawRate = raw();
const httpRate = await overHttp();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`points                     ${fmt(TOTAL)} in batches of ${BATCH}, ${CONCURRENCY} requests in flight`);
console.log(`raw better-sqlite3         ${fmt(rawRate)} points/s (prepared insert, one transaction)`);
console.log(`HTTP runs.log (SQLite)     ${fmt(httpRate)} points/s`);
console.log(`ratio HTTP / raw           ${(httpRate / rawRate).toFixed(2)}   (budget ≥ 0.30)`);
console.log(`budget ≥ 50,000 points/s   ${httpRate >= 50_000 ? 'met' : 'MISSED'}; ratio ${httpRate / rawRate >= 0.3 ? 'met' : 'MISSED'}`);
