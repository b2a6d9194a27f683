// Faults against the real server process (docs/architecture.md, "Reliability": killing the server mid-ingest
// loses nothing that was acknowledged; a batch is all or nothing):
// - kill -9 while six clients post concurrently (SQLite, and PostgreSQL in api-postgres), twice;
// - SQLite made read-only under the running server (chattr +i: root ignores chmod), and a
//   restart on a read-only database;
// - PostgreSQL: every connection of the app's database terminated, idle and mid-batch
//   (pg_terminate_backend), and a restart played by a TCP proxy between the app and the
//   database (the shared cluster itself is never restarted: other suites run on it).
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTempPostgresDatabase, PG_ADMIN_URL, terminateConnections } from '../helpers/postgres';
import { startTcpProxy } from '../helpers/tcp-proxy';
import { type Batch, batchPoints, sleep, startClients, storedOf, verify } from '../helpers/ingest-load';
import { sql, sqlWrite } from '../helpers/raw-db';
import { openFeed, TEST_PROVIDER, type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop().catch(() => {});
});
// No rate limits: the clients post back to back, and verify() reads every batch back (thousands of
// reads a second, past the read limit a real page is held to).
const UNLIMITED = { LRSCOPE_RATE_LIMIT_RPS: '100000', LRSCOPE_READ_RATE_LIMIT_RPS: '100000' };
async function serve(env: Record<string, string> = {}) {
  const s = await startServer({ env: { ...UNLIMITED, ...env } });
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
      summary.push(`after round ${round + 1} (cumulative): ${count('acked')} acked, ${count('unknown')} cut (${unknownPresent} of them stored whole), ${count('rejected')} rejected, ${count('failed')} failed with a 5xx`);
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

describe('an internal error (a table renamed behind the server\'s back)', () => {
  it('is a 500 whose message is a reference to the log line with the details, not the driver internals; the server stays up', async () => {
    const server = await serve();
    await sqlWrite(server.databaseUrl, 'ALTER TABLE "AlertRule" RENAME TO "AlertRuleMoved"');
    const res = await fetch(`${server.url}/api/trpc/alerts.rules?input=${encodeURIComponent(JSON.stringify({ project: 'default' }))}`);
    const body = await res.json();
    expect(res.status).toBe(500);
    const m = /^internal error ([0-9a-f]{8}): the server's log has the details$/.exec(body.error.message);
    expect(m, body.error.message).not.toBeNull();
    expect(JSON.stringify(body)).not.toMatch(/AlertRule|prisma|invocation|sqlite|postgres|\.ts:/i);
    const deadline = Date.now() + 5_000;
    while (!server.output().includes(m![1]) && Date.now() < deadline) await sleep(50);
    const logged = server.output().slice(server.output().indexOf(m![1]));
    expect(logged, 'the log line carries the reference and the cause').toMatch(/AlertRule/);
    expect((await query(server.url, 'runs.list', {})).status, 'still serving').toBe(200);
  });
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

  it.skipIf(!chattrWorks)('under the running server: writes fail fast with a 503 saying the database cannot be written, reads go on, nothing is corrupted, writes recover when writable again', async () => {
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
        expect(res.status, `${proc} on a read-only database`).toBe(503);
        expect(res.headers.get('retry-after'), proc).toBe('2');
        // SQLite reports the locked files as read-only or, when its journal cannot be written, as an I/O error.
        expect(body.error.message, proc).toMatch(/^the database (is read-only: writes are refused|files cannot be written: check that the file).*\(reads still work\) \((attempt to write a readonly database|disk I\/O error)\)\. Retry shortly/);
        expect(JSON.stringify(body), `${proc}: no driver internals`).not.toMatch(/prisma|invocation|DriverAdapterError|SqliteError|\.ts:/i);
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
    expect(failure).toMatch(/lrscope: cannot open the database file:.*: (read-only|io-error) \(.*\)\. lrscope needs to write to the database file and its folder/);
    expect(failure, 'a sentence, not a stack trace').not.toMatch(/\n\s+at /);
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

  it.skipIf(!canMount)('writes fail with a 503 saying the disk is full, acknowledged data stays, no corruption, writes recover once space is freed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-full-'));
    execSync(`mount -t tmpfs -o size=16m tmpfs ${dir}`);
    const databaseUrl = `file:${path.join(dir, 'lrscope.db')}`;
    try {
      const server = await startServer({ databaseUrl, env: UNLIMITED });
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
      expect(failedStatus, 'a write on a full disk').toBe(503);
      expect(failedMessage).toMatch(/^the database's disk is full: free space on its volume, then retry \(database or disk is full\)/);
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
  it('idle connections terminated: requests reply (200, or a 503 saying the database is unavailable; no socket error, no hang) and recover in the same process', async () => {
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
      expect([200, 503]).toContain(r.status);
      if (r.status !== 200) expect(r.message).toMatch(/database is unavailable/);
    }
    expect(replies.at(-1)!.status).toBe(200);
    expect(server.pid).toBe(pid);
    expect(server.output()).not.toMatch(/Unhandled 'error' event/);
  }, 60_000);

  it('busy connections terminated mid-batch, three times: every request gets a reply (200, or a 503 with Retry-After), the process survives, acknowledged batches are all there, and the verdict catches up', async () => {
    const server = await serve();
    const key = server.apiKey;
    const database = new URL(server.databaseUrl).pathname.slice(1);
    const pid = server.pid;
    const schedule = { name: 'StepLR', params: { step_size: 1_000_000, gamma: 0.5 }, baseLr: 0.05 };
    const runIds = [data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'pg-terminated', schedule }, key)).id];
    const batches: Batch[] = [];
    const clients = startClients(server, key, runIds, 4, 5, batches);
    await sleep(800);
    const killed: number[] = [];
    for (let i = 0; i < 3; i++) {
      killed.push(await terminateConnections(database));
      await sleep(300);
    }
    await sleep(500);
    await clients.stop();
    expect(killed[0], 'connections terminated').toBeGreaterThan(0);
    expect(server.output(), 'the server process survived').not.toMatch(/Unhandled 'error' event|triggerUncaughtException/);
    expect(server.pid).toBe(pid);
    expect(batches.filter((b) => b.outcome === 'unknown').map((b) => b.message), 'requests without a reply').toEqual([]);
    expect(batches.filter((b) => b.outcome === 'rejected'), 'a 4xx promises nothing was stored: never the answer to a database fault').toEqual([]);
    const failed = batches.filter((b) => b.outcome === 'failed');
    for (const b of failed) expect(b.message).toMatch(/^the database is unavailable \(.+\)\. Retry shortly/);
    // Same process, working again.
    const deadline = Date.now() + 10_000;
    let last: { status: number; body: unknown };
    do {
      last = await mutate(server.url, 'runs.log', { runId: runIds[0], points: [{ step: 2_000_000_000, lr: 0.5 }] }, key).catch((e) => ({ status: -1, body: String(e) }));
      if (last.status === 200) break;
      await sleep(200);
    } while (Date.now() < deadline);
    expect(last.status, JSON.stringify(last.body).slice(0, 300)).toBe(200);
    const { unknownPresent } = await verify(server, runIds, batches.concat([{ runId: runIds[0], from: 2_000_000_000, size: 1, lr: 0.5, outcome: 'acked' }]));
    // The stored verdict is the one a fresh evaluation of the stored points gives (re-setting the
    // schedule re-evaluates from the store): no update lost to a dropped connection.
    const stored = data<any>(await query(server.url, 'runs.get', { id: runIds[0] })).run;
    data(await mutate(server.url, 'runs.update', { runId: runIds[0], schedule }, key));
    const fresh = data<any>(await query(server.url, 'runs.get', { id: runIds[0] })).run;
    expect(stored.verdict).toEqual(fresh.verdict);
    expect(stored.expectedLr).toBe(fresh.expectedLr);
    console.log(`pg_terminate_backend on busy connections (${killed.join('+')}): ${batches.length} batches, ${failed.length} got a 503 (${unknownPresent} of those were stored whole: all or nothing), the rest stored; recovered in the same process`);
  }, 90_000);

  it('the database restarts (down 3 s, behind a proxy): requests in the gap get a 503 with Retry-After within seconds, the same process recovers, live pages resume, and nothing acknowledged is lost', async () => {
    const db = await createTempPostgresDatabase();
    const pgUrl = new URL(PG_ADMIN_URL);
    const proxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    try {
      const server = await startServer({ databaseUrl: viaProxy.toString(), env: UNLIMITED });
      servers.push(server);
      const key = server.apiKey;
      const pid = server.pid;
      const runIds = [data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'pg-restart' }, key)).id];
      const feed = openFeed(server.url, 'live.run', { runId: runIds[0] });
      await feed.wait('the feed to open', (e) => e.length > 0);
      const batches: Batch[] = [];
      const clients = startClients(server, key, runIds, 3, 6, batches);
      await sleep(800);
      await proxy.down();
      const downAt = batches.length;
      await sleep(3_000);
      await proxy.up();
      await sleep(2_500);
      await clients.stop();

      expect(server.pid, 'the same process').toBe(pid);
      expect(batches.filter((b) => b.outcome === 'unknown').map((b) => b.message), 'requests without a reply').toEqual([]);
      expect(batches.filter((b) => b.outcome === 'rejected'), 'no 4xx for a database outage').toEqual([]);
      const failed = batches.filter((b) => b.outcome === 'failed');
      expect(failed.length, 'requests during the outage failed').toBeGreaterThan(0);
      for (const b of failed) expect(b.message).toMatch(/^the database is unavailable \(.+\)\. Retry shortly/);
      expect(batches.slice(downAt).some((b) => b.outcome === 'acked'), 'acknowledged again after the restart').toBe(true);

      // A reply in the gap is prompt and says when to retry.
      await proxy.down();
      const t0 = Date.now();
      const res = await fetch(`${server.url}/api/trpc/runs.log`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ runId: runIds[0], points: [{ step: 1, lr: 0.1 }] }) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(Date.now() - t0, 'fails fast while the database refuses connections').toBeLessThan(5_000);
      const read = await query(server.url, 'runs.get', { id: runIds[0] });
      expect(read.status, 'reads too').toBe(503);
      await proxy.up();

      // Live pages: a point posted after the restart reaches the feed opened before it.
      const last = 2_000_000_000;
      const deadline = Date.now() + 10_000;
      let posted = 0;
      while (posted !== 200 && Date.now() < deadline) {
        posted = (await mutate(server.url, 'runs.log', { runId: runIds[0], points: [{ step: last, lr: 0.5 }] }, key)).status;
        if (posted !== 200) await sleep(200);
      }
      expect(posted).toBe(200);
      await feed.wait('the post-restart point on the live feed', () => feed.steps().includes(last));
      await feed.close();
      const { unknownPresent } = await verify(server, runIds, batches.concat([{ runId: runIds[0], from: last, size: 1, lr: 0.5, outcome: 'acked' }]));
      console.log(`PostgreSQL down for 3 s: ${batches.length} batches, ${failed.length} got a 503 (${unknownPresent} of those were stored whole), the rest stored; ${proxy.accepted()} connections opened through the proxy; recovered in the same process`);
    } finally {
      await proxy.close();
      await db.drop().catch(() => {});
    }
  }, 90_000);
});

