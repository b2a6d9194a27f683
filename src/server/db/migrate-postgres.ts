// Applies the PostgreSQL migrations under an advisory lock (several instances may start at
// once) and keeps Prisma's `_prisma_migrations` table as `prisma migrate deploy` would.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type Migration, readMigrations } from './migrations';

// Any constant shared by every lrscope instance: "lrscope" in ASCII, which is above 2^53, so
// the key PostgreSQL sees is the double it rounds to, 30525137399804004 (what pg_locks shows and
// what an operator must use to hold migrations off by hand). Session-level and database-scoped:
// instances on other databases of the same server do not wait for each other.
export const MIGRATION_LOCK = 0x6c7273636f7065;

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export async function migratePostgres(client: pg.ClientBase, migrations: Migration[] = readMigrations('postgres')): Promise<string[]> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(BOOKKEEPING);
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations',
    );
    const done = new Map(rows.map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const row = done.get(m.name);
      if (row && row.finished_at !== null && row.rolled_back_at === null) continue;
      if (row && row.finished_at === null && row.rolled_back_at === null) {
        throw new Error(`migration ${m.name} previously failed; resolve it (prisma migrate resolve) before starting`);
      }
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query('INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)', [
          id,
          m.checksum,
          m.name,
        ]);
        await client.query(m.sql);
        await client.query('UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = now() WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
      }
      applied.push(m.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
