// Faults against the real server process (DESIGN "Reliability": killing the server mid-ingest
// loses nothing that was acknowledged; a batch is all or nothing):
// - kill -9 while six clients post concurrently (SQLite, and PostgreSQL in api-postgres), twice;
// - SQLite made read-only under the running server (chattr +i: root ignores chmod), and a
//   restart on a read-only database;
// - PostgreSQL: every connection of the app's database terminated mid-ingest (pg_terminate_backend;
//   the shared cluster is not restarted).
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { terminateConnections } from '../helpers/postgres';
import { type Batch, batchPoints, sleep, startClients, storedOf, verify } from '../helpers/ingest-load';
import { sql } from '../helpers/raw-db';
import { TEST_PROVIDER, type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {});
});
async function serve(env: Record<string, string> = {}) {
  const s = await startServer({ env: { LRSCOPE_RATE_LIMIT_RPS: '100000', ...env } });
  servers.push(s);
  return s;
}

describe('kill -9 while several clients post', () => {
  it('every acknowledged point is there after restart, none twice, no batch half-written; re-sending is idempotent', async () => {
    const server = await serve();
    const key = server.apiKey;
    const runIds = await Promise.all([0, 1, 2].map(async (i) => data<{ id: number }>(await mutate(server.url, 'runs.create', { name: `crash-${i}` }, key)).id));
    const batches: Batch[] = [];
    const summary: string[] = [];
    for (const round of [0, 1]) {
      const clients = startClients(server, key, runIds, 6, round, batches);
      // Let them get going, then kill at a moment the clients do not choose.
      const deadline = Date.now() + 15_000;
      while (batches.filter((b) => b.outcome === 'acked').length < 20 * (round + 1) && Date.now() < deadline) await sleep(20);
      await sleep(100 + Math.random() * 400);
      await server.kill();
      await clients.stop();
      await server.restart();
      const { unknownPresent } = await verify(server, runIds, batches);
      const count = (o: Batch['outcome']) => batches.filter((b) => b.outcome === o).length;
      summary.push(`after round ${round + 1} (cumulative): ${count('acked')} acked, ${count('unknown')} cut (${unknownPresent} of them stored whole), ${count('rejected')} rejected`);
      expect(count('acked')).toBeGreaterThanOrEqual(20);
    }
    // A client re-sends what it did not get an answer for: stored once, whole.
    for (const b of batches.filter((x) => x.outcome !== 'acked').concat(batches.filter((x) => x.outcome === 'acked').slice(0, 5))) {
      const before = await storedOf(server, b);
      const r = data<{ accepted: number; duplicates: number }>(await mutate(server.url, 'runs.log', { runId: b.runId, points: batchPoints(b, Math.random) }, key));
      expect(r).toEqual({ accepted: b.size - before, duplicates: before });
      b.outcome = 'acked';
    }
    await verify(server, runIds, batches);
    console.log(`kill -9 (${TEST_PROVIDER}): ${batches.length} batches, ${batches.reduce((s, b) => s + b.size, 0)} points; ${summary.join('; ')}`);
  }, 120_000);
});

describe.skipIf(TEST_PROVIDER !== 'sqlite')('SQLite database made read-only (chattr +i: root ignores chmod)', () => {
  const chattrWorks = (() => {
    try {
      execSync('command -v chattr', { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!chattrWorks)('under the running server: writes fail fast with a 5xx and a message, reads go on, nothing is corrupted, writes recover when writable again', async () => {
    const server = await serve();
    const key = server.apiKey;
    const file = server.databaseUrl.slice('file:'.length);
    const dir = path.dirname(file);
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'ro' }, key)).id;
    data(await mutate(server.url, 'runs.log', { runId, points: Array.from({ length: 100 }, (_, i) => ({ step: i, lr: 0.1 })) }, key));
    const lock = () => execSync(`chattr +i ${dir} ${dir}/*`);
    const unlock = () => execSync(`chattr -i ${dir} ${dir}/* 2>/dev/null || true; chattr -i ${dir}`);
    try {
      lock();
      for (const [proc, input] of [
        ['runs.log', { runId, points: [{ step: 100, lr: 0.1 }] }],
        ['runs.create', { name: 'while-ro' }],
        ['runs.finish', { runId }],
      ] as const) {
        const t0 = Date.now();
        const res = await fetch(`${server.url}/api/trpc/${proc}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(input), signal: AbortSignal.timeout(15_000) });
        const body = await res.json();
        expect(res.status, `${proc} on a read-only database`).toBeGreaterThanOrEqual(500);
        expect(body.error.message, proc).toBeTruthy();
        expect(Date.now() - t0, `${proc} fails fast`).toBeLessThan(12_000);
      }
      const run = data<any>(await query(server.url, 'runs.get', { id: runId })).run;
      expect(run).toMatchObject({ pointCount: 100, lastStep: 99, status: 'running' });
    } finally {
      unlock();
    }
    // Writable again: the same server takes writes, nothing from the failed ones got in.
    expect(data(await mutate(server.url, 'runs.log', { runId, points: [{ step: 100, lr: 0.1 }] }, key))).toEqual({ accepted: 1, duplicates: 0 });
    expect(data<any>(await query(server.url, 'runs.list', { search: 'while-ro' })).runs).toEqual([]);
    await server.stop();
    expect(await sql(server.databaseUrl, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(await sql(server.databaseUrl, 'SELECT COUNT(*) AS n FROM "Point"')).toEqual([{ n: 101 }]);
  });

  it.skipIf(!chattrWorks)('restarted on a read-only database: exits (no hang) saying it cannot open the database; starts normally once writable', async () => {
    const server = await serve();
    const key = server.apiKey;
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'ro-restart' }, key)).id;
    data(await mutate(server.url, 'runs.log', { runId, points: [{ step: 0, lr: 0.1 }] }, key));
    await server.stop();
    const dir = path.dirname(server.databaseUrl.slice('file:'.length));
    execSync(`chattr +i ${dir} ${dir}/*`);
    let failure = '';
    try {
      await server.restart();
    } catch (err) {
      failure = String(err);
    } finally {
      execSync(`chattr -i ${dir} ${dir}/* 2>/dev/null || true; chattr -i ${dir}`);
    }
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toMatch(/unable to open database file|readonly|read-only/i);
    await server.restart();
    expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run.pointCount).toBe(1);
    expect(await sql(server.databaseUrl, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  });
});

describe.skipIf(TEST_PROVIDER !== 'sqlite')('SQLite disk full (a small tmpfs filled up)', () => {
  const canMount = (() => {
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-mnt-probe-'));
      execSync(`mount -t tmpfs -o size=1m tmpfs ${dir} && umount ${dir}`, { stdio: 'ignore' });
      rmSync(dir, { recursive: true });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!canMount)('writes fail with a 5xx and a message, acknowledged data stays, no corruption, writes recover once space is freed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-full-'));
    execSync(`mount -t tmpfs -o size=16m tmpfs ${dir}`);
    const databaseUrl = `file:${path.join(dir, 'lrscope.db')}`;
    try {
      const server = await startServer({ databaseUrl, env: { LRSCOPE_RATE_LIMIT_RPS: "100000" } });
      servers.push(server);
      const key = server.apiKey;
      const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'full' }, key)).id;
      data(await mutate(server.url, 'runs.log', { runId, points: Array.from({ length: 1000 }, (_, i) => ({ step: i, lr: 0.1 })) }, key));
      // Fill what is left.
      execSync(`dd if=/dev/zero of=${dir}/filler bs=64k 2>/dev/null || true`);
      let failedStatus = 0;
      let failedMessage = '';
      let acked = 1000;
      for (let b = 1; b <= 50 && !failedStatus; b++) {
        const res = await fetch(`${server.url}/api/trpc/runs.log`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ runId, points: Array.from({ length: 1000 }, (_, i) => ({ step: b * 1000 + i, lr: 0.1, loss: 1, metrics: { acc: 0.5 } })) }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = await res.json();
        if (res.status === 200) acked += 1000;
        else [failedStatus, failedMessage] = [res.status, body.error?.message ?? ''];
      }
      expect(failedStatus, 'a write on a full disk').toBeGreaterThanOrEqual(500);
      expect(failedMessage).toMatch(/full|space|disk/i);
      console.log(`disk full: ${failedStatus} "${failedMessage.slice(0, 120)}" after ${acked} acknowledged points`);
      // Reads go on; what was acknowledged is there, nothing of the failed batch.
      expect(data<any>(await query(server.url, 'runs.get', { id: runId })).run.pointCount).toBe(acked);
      rmSync(path.join(dir, 'filler'));
      expect(data(await mutate(server.url, 'runs.log', { runId, points: [{ step: 999_999, lr: 0.1 }] }, key))).toEqual({ accepted: 1, duplicates: 0 });
      await server.stop();
      expect(await sql(databaseUrl, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(await sql(databaseUrl, 'SELECT COUNT(*) AS n FROM "Point"')).toEqual([{ n: acked + 1 }]);
    } finally {
      execSync(`umount -l ${dir} || true; rmdir ${dir} || true`);
    }
  }, 60_000);
});

describe.skipIf(TEST_PROVIDER !== 'postgres')('PostgreSQL connections terminated (pg_terminate_backend on the test database only)', () => {
  // Idle connections only: connections busy with a batch are pending-faults.test.ts.
  it('idle connections terminated: requests reply (200, or a 5xx with a message; no socket error, no hang) and recover in the same process', async () => {
    const server = await serve();
    const pid = server.pid;
    const key = server.apiKey;
    const database = new URL(server.databaseUrl).pathname.slice(1);
    const runId = data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'pg-outage' }, key)).id;
    await terminateConnections(database);
    const replies: { status: number; message: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${server.url}/api/trpc/runs.log`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ runId, points: [{ step: i, lr: 0.1 }] }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = await res.json();
      replies.push({ status: res.status, message: body.error?.message ?? 'ok' });
    }
    for (const r of replies) {
      expect([200, 500, 503]).toContain(r.status);
      if (r.status !== 200) expect(r.message.length).toBeGreaterThan(0);
    }
    expect(replies.at(-1)!.status).toBe(200);
    expect(server.pid).toBe(pid);
    expect(server.output()).not.toMatch(/Unhandled 'error' event/);
  }, 60_000);
});
