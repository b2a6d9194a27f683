// Ingest throughput: batches of 1,000 points posted over HTTP to the real server (SQLite),
// beside raw better-sqlite3 prepared inserts into the same table in one transaction, measured
// in the same run. Budget (docs/architecture.md, budgets): ≥ 50,000 points/s and ≥ 0.3 of raw.
// With --optimizers N, every point also carries N optimizers' LRs (a GAN: each stored on the point
// and as its chart series lr:<name>), to compare with a run of one optimizer.
//   npx tsx bench/ingest.ts [--points 300000] [--concurrency 4] [--optimizers 2]
import { mkdtempSync, readFileSync } from 'node:fs';
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
const OPTIMIZERS = arg('optimizers', 0);

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux); undefined elsewhere. The
 * load generator shares the machine's cores with the server, and other work on a shared machine
 * moves wall-clock rates; CPU per point says what the server itself spends.
 */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

function makePoint(step: number) {
  const lr = 5e-4 * 0.5 ** Math.floor(step / 100_000);
  const point = { step, epoch: Math.floor(step / 1000), lr, loss: 2 / Math.sqrt(step + 1), time: 1.7e9 + step * 0.05 };
  if (OPTIMIZERS === 0) return point;
  const optimizers: Record<string, { lr: number; schedulerStep: number }> = {};
  for (let k = 0; k < OPTIMIZERS; k++) optimizers[String(k)] = { lr: lr / (k + 1), schedulerStep: step };
  return { ...point, optimizers };
}

interface HttpResult {
  rate: number;
  /** Server CPU µs per point during the timed part; the load generator's likewise. */
  serverCpuPerPoint?: number;
  clientCpuPerPoint: number;
}

async function overHttp(): Promise<HttpResult> {
  const server = await startServer();
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.apiKey}` };
    const create = await fetch(`${server.url}/api/trpc/runs.create`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench-ingest', ...(OPTIMIZERS > 0 && { optimizers: Object.fromEntries(Array.from({ length: OPTIMIZERS }, (_, k) => [String(k), {}])) }) }) });
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
    const server0 = cpuSeconds(server.pid);
    const client0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < bodies.length) await post(bodies[next++]);
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const client = process.cpuUsage(client0);
    const server1 = cpuSeconds(server.pid);
    const points = bodies.length * BATCH;
    return {
      rate: points / seconds,
      serverCpuPerPoint: server0 !== undefined && server1 !== undefined ? ((server1 - server0) * 1e6) / points : undefined,
      clientCpuPerPoint: (client.user + client.system) / points,
    };
  } finally {
    await server.stop();
  }
}

function raw(): { rate: number; cpuPerPoint: number } {
  const db = new Database(path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-bench-')), 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  migrateSqlite(db);
  db.prepare(`INSERT INTO "Project" ("name", "createdAt") VALUES ('p', 0)`).run();
  db.prepare(`INSERT INTO "Run" ("projectId", "name", "startedAt", "lastSeenAt") VALUES (1, 'raw', 0, 0)`).run();
  const insert = db.prepare('INSERT INTO "Point" ("runId", "step", "epoch", "lr", "lrs", "loss", "time", "batch") VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const points = Array.from({ length: TOTAL }, (_, i) => makePoint(i));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  db.transaction(() => {
    for (const p of points) insert.run(1, p.step, p.epoch, p.lr, null, p.loss, p.time, 1);
  })();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  db.close();
  return { rate: TOTAL / seconds, cpuPerPoint: (cpu.user + cpu.system) / TOTAL };
}

const rawResult = raw();
const http = await overHttp();
const rawRate = rawResult.rate;
const httpRate = http.rate;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const us = (n: number | undefined) => (n === undefined ? 'n/a' : `${n.toFixed(2)} µs`);
console.log(`points                     ${fmt(TOTAL)} in batches of ${BATCH}, ${CONCURRENCY} requests in flight${OPTIMIZERS ? `, ${OPTIMIZERS} optimizers per point` : ''}`);
console.log(`raw better-sqlite3         ${fmt(rawRate)} points/s (prepared insert, one transaction); CPU ${us(rawResult.cpuPerPoint)}/point`);
console.log(`HTTP runs.log (SQLite)     ${fmt(httpRate)} points/s; server CPU ${us(http.serverCpuPerPoint)}/point, load generator ${us(http.clientCpuPerPoint)}/point`);
console.log(`ratio HTTP / raw           ${(httpRate / rawRate).toFixed(2)}   (budget ≥ 0.30)`);
console.log(`budget ≥ 50,000 points/s   ${httpRate >= 50_000 ? 'met' : 'MISSED'}; ratio ${httpRate / rawRate >= 0.3 ? 'met' : 'MISSED'}`);
