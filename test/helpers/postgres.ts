// A throwaway PostgreSQL database per test, on the server this machine runs (docs/architecture.md: tests use
// the real engine). LRSCOPE_TEST_PG overrides where that server is.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.LRSCOPE_TEST_PG ?? 'postgresql://postgres@127.0.0.1:5432/test';

export async function createTempPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `lrscope_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function withTempPostgresDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const db = await createTempPostgresDatabase();
  try {
    return await fn(db.url);
  } finally {
    await db.drop();
  }
}

/** Terminates every connection to `database` except the caller's, the way an operator or a
 *  failover would; returns how many it ended. */
export async function terminateConnections(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const r = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}
