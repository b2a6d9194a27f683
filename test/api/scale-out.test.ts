// Scale-out on PostgreSQL (issue 7): several instances on one database. Migrations raced by
// instances starting at once, live fan-out from one instance to another through LISTEN/NOTIFY
// (and what happens when that connection dies), the batch ingest's guarantees when two
// instances write the same run, one notification per alert when both raise and sweep, and the
// point store's statements and query plans. PostgreSQL only: the `api` project skips this file.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK, migratePostgres } from '@/server/db/migrate-postgres';
import { readMigrations } from '@/server/db/migrations';
import type { PointInput } from '@/server/db/point-store';
import { createPostgresPointStore } from '@/server/db/postgres-point-store';
import { coverRange } from '@/server/db/rollup';
import { CHANNEL, listenerApplicationName } from '@/server/live/postgres-bus';
import { createTempPostgresDatabase, PG_ADMIN_URL } from '../helpers/postgres';
import { openFeed, ROOT, startServer, type TestServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver';

const onPostgres = process.env.LRSCOPE_TEST_DB === 'postgres';

const STEP_SCHEDULE = { name: 'StepLR', params: { step_size: 1000, gamma: 0.5 }, interval: 'step', baseLr: 0.1 };

const steps = (from: number, to: number): PointInput[] =>
  Array.from({ length: to - from }, (_, i) => ({ step: from + i, lr: 0.1 * 0.5 ** Math.floor((from + i) / 1000), loss: 1 / (from + i + 1), metrics: { acc: (from + i) / 1e6 } }));

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {}); // terminated by a test on purpose: the query in flight reports it
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const dbName = (url: string) => new URL(url).pathname.slice(1);

/** Tables, columns, constraints and indexes of a database, as text: two databases built by the same migrations compare equal. */
async function catalog(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const cols = await c.query(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
    );
    const cons = await c.query(`SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS x FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`);
    const idx = await c.query(`SELECT indexdef AS x FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`);
    return [...cols.rows, ...cons.rows, ...idx.rows].map((r) => r.x as string);
  });
}

describe.runIf(onPostgres)('several instances starting at once on a new empty database', () => {
  it('apply each migration exactly once, under the advisory lock, and all come up', async () => {
    const fresh = await createTempPostgresDatabase();
    const reference = await createTempPostgresDatabase();
    const holder = new pg.Client({ connectionString: fresh.url });
    holder.on('error', () => {});
    const started: PromiseSettledResult<TestServer>[] = [];
    try {
      await holder.connect();
      // Hold the lock so that all three are provably inside migratePostgres at the same moment:
      // a race, not three starts one after the other.
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const starting = [0, 1, 2].map(() => startServer({ databaseUrl: fresh.url }));
      let settled = false;
      void Promise.allSettled(starting).then(() => (settled = true));
      await until(
        'three instances waiting on the migration lock',
        async () => {
          if (settled) throw new Error('the instances started (or failed) without waiting for the migration lock');
          return (await holder.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows[0].n === 3;
        },
        90_000,
        100,
      );
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      started.push(...(await Promise.allSettled(starting)));
      const servers = started.map((s) => {
        if (s.status === 'rejected') throw s.reason;
        return s.value;
      });

      const migrations = readMigrations('postgres');
      const { rows } = await holder.query('SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
      expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
      for (const [i, m] of migrations.entries()) {
        expect(rows[i]).toMatchObject({ checksum: m.checksum, rolled_back_at: null, applied_steps_count: 1 });
        expect(rows[i].finished_at).toBeInstanceOf(Date);
      }
      // Each migration was applied by exactly one of the three, and the first key printed once.
      const outputs = servers.map((s) => s.output());
      for (const m of migrations) expect(outputs.filter((o) => o.includes(`applied migration ${m.name}`)), m.name).toHaveLength(1);
      const keys = servers.map((s) => s.apiKey).filter(Boolean);
      expect(keys).toHaveLength(1);
      expect((await holder.query('SELECT name FROM "Project"')).rows).toEqual([{ name: 'default' }]);

      // The raced schema is the one the migrations build alone (which migrations-match-schema
      // proves is prisma/models.prisma): nothing doubled, nothing half-applied.
      await withClient(reference.url, (c) => migratePostgres(c));
      expect(await catalog(fresh.url)).toEqual(await catalog(reference.url));

      // And every instance serves.
      for (const s of servers) expect(data<{ id: number }>(await mutate(s.url, 'runs.create', { name: `via-${s.port}` }, keys[0])).id).toBeGreaterThan(0);
    } finally {
      await holder.end().catch(() => {});
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
      await fresh.drop();
      await reference.drop();
    }
  }, 180_000);

  it('in one process too: of five concurrent migrators one applies everything and four find nothing to do', async () => {
    const fresh = await createTempPostgresDatabase();
    const clients = Array.from({ length: 5 }, () => new pg.Client({ connectionString: fresh.url }).on('error', () => {}));
    try {
      await Promise.all(clients.map((c) => c.connect()));
      const results = await Promise.all(clients.map((c) => migratePostgres(c)));
      const names = readMigrations('postgres').map((m) => m.name);
      expect(results.filter((r) => r.length > 0)).toEqual([names]);
      expect(results.filter((r) => r.length === 0)).toHaveLength(4);
      const { rows } = await clients[0].query('SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY 1 ORDER BY 1');
      expect(rows).toEqual(names.map((n) => ({ migration_name: n, n: 1 })));
      // The lock is released: nobody holds or waits for it any more.
      expect((await clients[0].query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`)).rows[0].n).toBe(0);
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await fresh.drop();
    }
  }, 60_000);
});

describe.runIf(onPostgres)('two instances on one database', () => {
  let dbUrl: string;
  let drop: () => Promise<void>;
  let a: TestServer;
  let b: TestServer;
  let key: string;

  let hook: Receiver;

  beforeAll(async () => {
    const db = await createTempPostgresDatabase();
    dbUrl = db.url;
    drop = db.drop;
    hook = await startReceiver();
    // Both instances notify the same webhook and sweep for stalled runs every second.
    const env = { LRSCOPE_WEBHOOK_ALLOWED_TARGETS: '127.0.0.1', LRSCOPE_WEBHOOK_URL: hook.url, LRSCOPE_WEBHOOK_SECRET: 'scale-out-secret', LRSCOPE_STALL_SWEEP_SECONDS: '1' };
    a = await startServer({ databaseUrl: dbUrl, env });
    b = await startServer({ databaseUrl: dbUrl, env });
    key = a.apiKey;
    expect(key).toMatch(/^lrs_/);
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await hook?.close();
    await drop?.();
  });

  const newRun = async (name: string) => data<{ id: number }>(await mutate(a.url, 'runs.create', { name, schedule: STEP_SCHEDULE }, key)).id;
  const log = async (server: TestServer, runId: number, points: PointInput[]) => data<{ accepted: number; duplicates: number }>(await mutate(server.url, 'runs.log', { runId, points }, key));
  const sql = <T = any>(text: string, params: unknown[] = []) => withClient(dbUrl, async (c) => (await c.query(text, params)).rows as T[]);

  describe('live fan-out through LISTEN/NOTIFY', () => {
    it('a page subscribed on B receives, live, in order and once each, the points posted to A', async () => {
      // Anyone who can connect may NOTIFY on the channel: garbage must not take an instance down.
      await sql(`NOTIFY ${CHANNEL}, 'not json'`);
      const runId = await newRun('fan-out');
      await log(a, runId, steps(0, 100));
      const feed = openFeed(b.url, 'live.run', { runId });
      try {
        await feed.wait('the start event', (ev) => ev.length >= 1);
        expect(feed.events[0].data).toMatchObject({ kind: 'start', batch: 1, run: { id: runId } });
        for (let k = 1; k <= 5; k++) {
          const t0 = performance.now();
          await log(a, runId, steps(k * 100, (k + 1) * 100));
          const last = (k + 1) * 100 - 1;
          await feed.wait(`step ${last} on B`, () => feed.steps().includes(last), 2_000);
          const arrived = feed.events.find((e) => e.data.kind === 'points' && (e.data.points.step as number[]).includes(last))!;
          expect(arrived.at - t0, `batch ${k}: posted to A → on B`).toBeLessThan(2_000);
        }
        // A little longer, for duplicates that would come late.
        await new Promise((r) => setTimeout(r, 300));
        expect(feed.steps()).toEqual(range(100, 600));
        const ids = feed.events.filter((e) => e.data.kind === 'points').map((e) => Number(e.id));
        expect(ids).toEqual([...ids].sort((x, y) => x - y));
        expect(ids[ids.length - 1]).toBe(6);
        expect(b.output()).toContain(`ignored a malformed notification on ${CHANNEL}`);
      } finally {
        await feed.close();
      }
    });

    it('B survives losing its LISTEN connection: it catches up on what was posted meanwhile, then delivers as before', async () => {
      const runId = await newRun('reconnect');
      await log(a, runId, steps(0, 100));
      const feed = openFeed(b.url, 'live.run', { runId });
      // The runs table and the alerts page on B, which must be told to re-read everything.
      const runsPage = openFeed(b.url, 'live.runs', {});
      const alertsPage = openFeed(b.url, 'live.alerts', {});
      const bListener = `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`;
      const listenerName = listenerApplicationName(b.pid);
      try {
        await feed.wait('the start event', (ev) => ev.length >= 1);
        await runsPage.wait('the runs feed started', (ev) => ev.length >= 1);
        await alertsPage.wait('the alerts feed started', (ev) => ev.length >= 1);
        await log(a, runId, steps(100, 200));
        await feed.wait('step 199 on B', () => feed.steps().includes(199), 2_000);
        const before = await sql<{ pid: number }>(bListener, [dbName(dbUrl), listenerName]);
        expect(before, "B's listener in pg_stat_activity").toHaveLength(1);

        // Warm A's pool so its next request needs no new connection, then shut the database to
        // new connections: B's listener, once killed, cannot come back until we say so.
        await Promise.all(range(0, 8).map(() => query(a.url, 'runs.get', { id: runId })));
        await withClient(PG_ADMIN_URL, (c) => c.query(`ALTER DATABASE ${dbName(dbUrl)} ALLOW_CONNECTIONS false`));
        try {
          await withClient(PG_ADMIN_URL, (c) => c.query('SELECT pg_terminate_backend($1)', [before[0].pid]));
          await until('B noticing it cannot reconnect', () => /live channel reconnect failed/.test(b.output()), 10_000);
          // Posted while B hears nothing: the notification is lost for B.
          await log(a, runId, steps(200, 300));
          await new Promise((r) => setTimeout(r, 500));
          expect(feed.steps(), 'nothing reaches B while it is not listening').not.toContain(299);
        } finally {
          await withClient(PG_ADMIN_URL, (c) => c.query(`ALTER DATABASE ${dbName(dbUrl)} ALLOW_CONNECTIONS true`));
        }
        // Listening again, B re-reads: the missed batch arrives with no further post.
        await feed.wait('the batch posted while B was deaf', () => feed.steps().includes(299), 15_000);
        expect(b.output()).toMatch(/live channel listening again/);
        await runsPage.wait('the runs feed telling its page to re-read', (ev) => ev.some((e) => e.data.kind === 'resync'), 2_000);
        await alertsPage.wait('the alerts feed telling its page to re-read', (ev) => ev.some((e) => e.data.kind === 'resync'), 2_000);
        const after = await sql<{ pid: number }>(bListener, [dbName(dbUrl), listenerName]);
        expect(after).toHaveLength(1);
        expect(after[0].pid).not.toBe(before[0].pid);

        // And later posts are live again.
        const t0 = performance.now();
        await log(a, runId, steps(300, 400));
        await feed.wait('step 399 on B', () => feed.steps().includes(399), 2_000);
        expect(performance.now() - t0).toBeLessThan(2_000);
        await new Promise((r) => setTimeout(r, 300));
        expect(feed.steps()).toEqual(range(100, 400));
        // The runs table keeps getting changes after its resync.
        const resyncAt = runsPage.events.findIndex((e) => e.data.kind === 'resync');
        await runsPage.wait('run changes after the resync', (ev) => ev.slice(resyncAt).some((e) => e.data.kind === 'run' && e.data.run.id === runId && e.data.run.lastStep === 399), 2_000);
      } finally {
        await Promise.all([feed.close(), runsPage.close(), alertsPage.close()]);
      }
    }, 90_000);

    it('a page that reconnects with its lastEventId, to either instance, gets exactly what it missed', async () => {
      const runId = await newRun('resume');
      const first = openFeed(b.url, 'live.run', { runId });
      let lastEventId: string;
      try {
        await first.wait('the start event', (ev) => ev.length >= 1);
        await log(a, runId, steps(0, 50));
        await first.wait('step 49', () => first.steps().includes(49), 2_000);
        lastEventId = first.lastId()!;
        expect(lastEventId).toBe('1');
      } finally {
        await first.close();
      }
      // Away: a batch in order, one out of order, one half re-sent — through both instances.
      await log(a, runId, steps(100, 150)); // batch 2
      await log(b, runId, steps(50, 100)); // batch 3: earlier steps, late
      await log(a, runId, steps(125, 175)); // batch 4: 125..149 already stored
      const missed = [...range(50, 100), ...range(100, 150), ...range(150, 175)];
      for (const server of [b, a]) {
        const again = openFeed(server.url, 'live.run', { runId, lastEventId });
        try {
          await again.wait('batch 4', (ev) => ev.some((e) => e.id === '4'), 5_000);
          await new Promise((r) => setTimeout(r, 200));
          expect(again.events[0].data.kind).toBe('run');
          expect(again.steps().sort((x, y) => x - y), `resumed on ${server === a ? 'A' : 'B'}`).toEqual(missed);
        } finally {
          await again.close();
        }
      }
    });
  });

  describe('ingest', () => {
    async function stored(runId: number) {
      const [run] = await sql('SELECT "pointCount", "batchSeq", "lastStep", "lastLr", "metricNames" FROM "Run" WHERE id = $1', [runId]);
      const [points] = await sql('SELECT count(*)::int AS n, coalesce(sum(step), 0)::bigint::text AS steps FROM "Point" WHERE "runId" = $1', [runId]);
      const [metrics] = await sql('SELECT count(*)::int AS n FROM "MetricPoint" WHERE "runId" = $1', [runId]);
      const rollups = await sql('SELECT series, size, sum(count)::int AS count, min(min) AS min, max(max) AS max, sum(sum) AS sum FROM "PointRollup" WHERE "runId" = $1 GROUP BY 1, 2 ORDER BY 1, 2', [runId]);
      return { run, points, metrics, rollups };
    }

    it('a batch sent to both instances at the same moment is stored once, and re-sending changes nothing', async () => {
      const runId = await newRun('idempotent');
      const batch = steps(0, 700);
      const replies = await Promise.all([log(a, runId, batch), log(b, runId, batch)]);
      expect(replies.map((r) => r.accepted).sort((x, y) => x - y)).toEqual([0, 700]);
      expect(replies.map((r) => r.duplicates).sort((x, y) => x - y)).toEqual([0, 700]);
      const once = await stored(runId);
      expect(once.points.n).toBe(700);
      expect(once.metrics.n).toBe(700);
      expect(once.run.pointCount).toBe(700);
      // The chart pyramid counted every point once, not twice.
      for (const r of once.rollups) expect(r.count, `${r.series}/${r.size}`).toBe(700);
      expect(await log(b, runId, batch)).toEqual({ accepted: 0, duplicates: 700 });
      const twice = await stored(runId);
      expect({ ...twice, run: { ...twice.run, batchSeq: 0 } }).toEqual({ ...once, run: { ...once.run, batchSeq: 0 } });
    });

    it('a batch rejected for a bad point late in it stores nothing', async () => {
      const runId = await newRun('bad-late');
      await log(a, runId, steps(0, 100));
      const before = await stored(runId);
      const batch: unknown[] = steps(100, 1100);
      batch[990] = { step: 1090, lr: -1 };
      const r = await mutate(b.url, 'runs.log', { runId, points: batch }, key);
      expect(r.status).toBe(400);
      expect(r.body.error!.message).toMatch(/^points\[990\]\.lr/);
      expect(await stored(runId)).toEqual(before);
    });

    it('a batch that fails inside the database, after its points were inserted, leaves no trace and can be re-sent whole', async () => {
      const runId = await newRun('db-failure');
      await log(a, runId, steps(0, 100));
      const before = await stored(runId);
      // The rollup upsert comes after the points and metrics of the batch are written: fail there.
      await sql(`CREATE FUNCTION lrscope_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
      await sql(`CREATE TRIGGER lrscope_test_fail BEFORE INSERT ON "PointRollup" FOR EACH ROW WHEN (NEW."runId" = ${runId}) EXECUTE FUNCTION lrscope_test_fail()`);
      try {
        const r = await mutate(a.url, 'runs.log', { runId, points: steps(50, 1050) }, key);
        expect(r.status).toBe(500);
        expect(await stored(runId)).toEqual(before);
      } finally {
        await sql('DROP TRIGGER lrscope_test_fail ON "PointRollup"');
        await sql('DROP FUNCTION lrscope_test_fail()');
      }
      expect(await log(b, runId, steps(50, 1050))).toEqual({ accepted: 950, duplicates: 50 });
      const after = await stored(runId);
      expect(after.points.n).toBe(1050);
      expect(after.run.pointCount).toBe(1050);
      for (const r of after.rollups) expect(r.count, `${r.series}/${r.size}`).toBe(1050);
    });
  });

  describe('alerts', () => {
    /** Coqui's StepwiseGradualLR configured per step, stepped per epoch by the trainer: stuck at 5e-4, flagged from step 10,000. */
    const COQUI = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' };
    const coqui = (from: number, to: number) => Array.from({ length: (to - from) / 10 }, (_, i) => ({ step: from + i * 10, epoch: Math.floor((from + i * 10) / 500), lr: 5e-4, loss: 1 }));
    /** Alternates the instances by run id. */
    const either = (id: number) => (id % 2 === 0 ? a.url : b.url);
    const notices = (runId: number) => hook.received.filter((r) => r.body.run.id === runId).map((r) => `${r.event} ${r.body.alert.kind}`);

    it('two instances racing to raise the same alert send one notification', async () => {
      const ids: number[] = [];
      for (const i of range(0, 4)) ids.push(data<{ id: number }>(await mutate(a.url, 'runs.create', { name: `race-${i}`, schedule: COQUI }, key)).id);
      await Promise.all(ids.map((id) => log(a, id, coqui(0, 9_000))));
      // The evidence arrives at both instances at once: each sees the run flagged and raises.
      await Promise.all(ids.flatMap((id) => [log(a, id, coqui(9_000, 11_000)), log(b, id, coqui(11_000, 13_000))]));
      await hook.waitUntil((got) => ids.every((id) => got.some((r) => r.body.run.id === id)), 20_000, 'a raise for every run');
      // Long enough for a second sender's delivery worker (1 s sweeps, leases) to have sent a duplicate.
      await new Promise((r) => setTimeout(r, 4_000));
      for (const id of ids) expect(notices(id), `run ${id}`).toEqual(['raised flagged']);
      const rows = await sql<{ runId: number; alerts: number; deliveries: number }>(
        `SELECT a."runId", count(DISTINCT a.id)::int AS alerts, count(d.id)::int AS deliveries FROM "Alert" a LEFT JOIN "AlertDelivery" d ON d."alertId" = a.id
         WHERE a."runId" = ANY($1) GROUP BY a."runId" ORDER BY a."runId"`,
        [ids],
      );
      expect(rows).toEqual(ids.map((id) => ({ runId: id, alerts: 1, deliveries: 1 })));
    }, 60_000);

    it('a run gone quiet is marked stalled and notified once, though both instances sweep every second', async () => {
      const r = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create', '--project', 'sweep'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: dbUrl }, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const sweepKey = r.stdout.trim();
      data(await mutate(a.url, 'alerts.setRules', { project: 'sweep', stallSeconds: 10 }, sweepKey));
      const ids: number[] = [];
      for (const i of range(0, 3)) ids.push(data<{ id: number }>(await mutate(b.url, 'runs.create', { name: `quiet-${i}`, project: 'sweep', schedule: STEP_SCHEDULE }, sweepKey)).id);
      for (const id of ids) data(await mutate(either(id), 'runs.log', { runId: id, points: steps(0, 100) }, sweepKey));
      await hook.waitUntil((got) => ids.every((id) => got.some((x) => x.body.run.id === id && x.body.alert.kind === 'stalled')), 30_000, 'a stall for every run');
      await new Promise((res) => setTimeout(res, 4_000));
      for (const id of ids) expect(notices(id), `run ${id}`).toEqual(['raised stalled']);
      const status = await sql<{ status: string }>('SELECT status FROM "Run" WHERE id = ANY($1)', [ids]);
      expect(status.map((x) => x.status)).toEqual(['stalled', 'stalled', 'stalled']);
    }, 60_000);
  });
});

describe.runIf(onPostgres)('the PostgreSQL point store', () => {
  let dbUrl: string;
  let drop: () => Promise<void>;
  let pool: pg.Pool;
  /** Every statement the store sent, with its parameters. */
  const sent: { text: string; values: unknown[] }[] = [];

  beforeAll(async () => {
    const db = await createTempPostgresDatabase();
    dbUrl = db.url;
    drop = db.drop;
    await withClient(dbUrl, async (c) => {
      await migratePostgres(c);
      await c.query(`INSERT INTO "Project" (name) VALUES ('p')`);
      await c.query(`INSERT INTO "Run" ("projectId", name) SELECT 1, 'r' || g FROM generate_series(1, 21) g`);
    });
    pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
    // An idle connection PostgreSQL terminates (DROP DATABASE … WITH (FORCE) at teardown) is an
    // 'error' on the pool; unheard, it would crash the test worker after every test passed.
    pool.on('error', () => {});
    pool.on('connect', (client) => {
      const original = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === 'string') sent.push({ text: args[0], values: Array.isArray(args[1]) ? args[1] : [] });
        return original(...args);
      };
    });
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });

  it('writes a batch with the same few statements whatever its size: multi-row, never row by row', async () => {
    const store = createPostgresPointStore(pool);
    const counts: number[] = [];
    for (const [runId, n] of [
      [21, 10],
      [20, 10_000],
    ]) {
      sent.length = 0;
      const res = await store.logPoints(runId, steps(0, n), new Date());
      expect(res).toMatchObject({ accepted: n, duplicates: 0 });
      counts.push(sent.length);
      expect(sent.filter((s) => /INSERT INTO "Point"/.test(s.text)), 'one INSERT for all the points').toHaveLength(1);
      expect(sent.find((s) => /INSERT INTO "Point"/.test(s.text))!.text).toMatch(/ON CONFLICT DO NOTHING/);
    }
    // BEGIN, lock the run, points, metrics, rollups, run summary, COMMIT.
    expect(counts[0]).toBeLessThanOrEqual(7);
    expect(counts[1]).toBe(counts[0]);
    const [{ n }] = (await pool.query('SELECT count(*)::int AS n FROM "Point" WHERE "runId" = 20')).rows;
    expect(n).toBe(10_000);
  });

  it('reads a series of one run through the primary key B-tree, never scanning the point tables', async () => {
    // 20 runs of 20,000 points interleaved the way concurrent trainers write them, plus the
    // pyramid for them, so the planner has a table worth avoiding a sequential scan of.
    await withClient(dbUrl, async (c) => {
      await c.query('DELETE FROM "Point"; DELETE FROM "MetricPoint"; DELETE FROM "PointRollup"; DELETE FROM "PointBatch"');
      await c.query(
        `INSERT INTO "Point" ("runId", step, epoch, lr, loss, time, batch)
         SELECT r, s, s / 1000.0, 0.1, 1.0 / (s + 1), 1.7e9 + s, s / 500 + 1 FROM generate_series(0, 19999) s, generate_series(1, 20) r ORDER BY s / 500, r, s`,
      );
      await c.query(`INSERT INTO "MetricPoint" ("runId", name, step, value) SELECT "runId", 'acc', step, step / 1e6 FROM "Point"`);
      await c.query('INSERT INTO "PointBatch" ("runId", batch, "firstStep") SELECT "runId", batch, min(step) FROM "Point" GROUP BY "runId", batch');
      for (const size of [64, 256, 1024, 4096, 16384]) {
        await c.query(
          `INSERT INTO "PointRollup" ("runId", series, size, bucket, step, min, max, sum, count)
           SELECT "runId", 'lr', ${size}, step / ${size}, min(step), min(lr), max(lr), sum(lr), count(*) FROM "Point" GROUP BY "runId", step / ${size}`,
        );
      }
      await c.query('ANALYZE "Point"; ANALYZE "MetricPoint"; ANALYZE "PointRollup"; ANALYZE "PointBatch"');
    });
    const store = createPostgresPointStore(pool);
    sent.length = 0;
    await store.series(7, 'lr', { from: 5_000, to: 9_000 }, 10);
    await store.metricSeries(7, 'acc', { from: 5_000, to: 9_000 }, 10);
    await store.rollupParts(7, 'lr', coverRange(1_000, 15_000, 1));
    await store.firstAtOrAfter(7, 'epoch', [100, 2_000, 4_000], 6_000);
    await store.pointsAfterBatch(7, 38, 10_001);
    const reads = sent.filter((s) => /^\s*SELECT/.test(s.text));
    expect(reads.length).toBeGreaterThanOrEqual(5);
    await withClient(dbUrl, async (c) => {
      for (const r of reads) {
        const plan = JSON.stringify((await c.query(`EXPLAIN (FORMAT JSON) ${r.text}`, r.values)).rows[0]['QUERY PLAN']);
        expect(plan, r.text).not.toMatch(/"Node Type":"Seq Scan"/);
        expect(plan, r.text).toMatch(/"Index Name":"(Point|MetricPoint|PointRollup)_pkey"/);
      }
    });
  });
});
