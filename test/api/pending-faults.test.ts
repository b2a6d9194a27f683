// PENDING: fault cases the server does not survive yet (found by faults.test.ts). They fail
// today; the lead enables them (moves them into faults.test.ts) once the server is fixed.
//
// Repro (api-postgres): start the server on PostgreSQL, have 4 clients post 1,000-point batches
// to runs.log in a loop, then from psql:
//   SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '<db>' AND pid <> pg_backend_pid();
// The request on the terminated connection gets a 500 ("terminating connection due to
// administrator command"), then the process dies:
//   node:events:502 throw er; // Unhandled 'error' event
//   Error: Connection terminated unexpectedly … Emitted 'error' event on Client instance
// — a pg Client checked out of the pool (the point store's transaction) has no 'error' listener.
// Every later request gets ECONNREFUSED until someone restarts the app. (Idle connections
// terminated are survived: faults.test.ts.)
// FIXED: the crash (open-database.ts listens on every pooled client; the store destroys a
// connection that failed mid-transaction). STILL FAILING: some requests in flight when their
// connections are terminated get no reply at all (the test's "requests without a reply").
// A 5xx after the commit is not a failure: the batch is all or nothing and a retry is idempotent.
import { afterAll, describe, expect, it } from 'vitest';
import { type Batch, sleep, startClients, verify } from '../helpers/ingest-load';
import { terminateConnections } from '../helpers/postgres';
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

describe.skipIf(TEST_PROVIDER !== 'postgres')('PostgreSQL connections terminated while batches are being written', () => {
  it('requests fail cleanly (a reply, never a hang), the app recovers without a restart, and acknowledged batches are all there', async () => {
    const server = await serve();
    const key = server.apiKey;
    const database = new URL(server.databaseUrl).pathname.slice(1);
    const pid = server.pid;
    const runIds = [data<{ id: number }>(await mutate(server.url, 'runs.create', { name: 'pg-terminated' }, key)).id];
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
    expect(server.output(), 'the server process survived').not.toMatch(/Unhandled 'error' event/);
    // Every request got an HTTP reply (no hang): nothing unknown while the server was up.
    expect(batches.filter((b) => b.outcome === 'unknown'), 'requests without a reply').toEqual([]);
    const failed = batches.filter((b) => b.outcome === 'rejected').length;
    // Same process, now working again.
    expect(server.pid).toBe(pid);
    const deadline = Date.now() + 10_000;
    let last: any;
    do {
      last = await mutate(server.url, 'runs.log', { runId: runIds[0], points: [{ step: 2_000_000_000, lr: 0.5 }] }, key).catch((e) => ({ status: -1, body: String(e) }));
      if (last.status === 200) break;
      await sleep(200);
    } while (Date.now() < deadline);
    expect(last.status, JSON.stringify(last.body).slice(0, 300)).toBe(200);
    expect((await query(server.url, 'runs.get', { id: runIds[0] })).status).toBe(200);
    const { unknownPresent } = await verify(server, runIds, batches.concat([{ runId: runIds[0], from: 2_000_000_000, size: 1, lr: 0.5, outcome: 'acked' }]));
    expect(unknownPresent).toBe(0);
    console.log(`pg_terminate_backend (${killed.join('+')} connections): ${batches.length} batches, ${failed} failed cleanly, the rest stored; recovered in the same process`);
  }, 90_000);

});
