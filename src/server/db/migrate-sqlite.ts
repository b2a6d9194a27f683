// Applies the SQLite migrations and keeps Prisma's `_prisma_migrations` table exactly as
// `prisma migrate deploy` would, so a machine with Prisma's engine sees them as applied.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type Migration, readMigrations } from './migrations';

// Prisma's own DDL for SQLite (times are Unix milliseconds).
const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export function migrateSqlite(db: Database.Database, migrations: Migration[] = readMigrations('sqlite')): string[] {
  db.exec(BOOKKEEPING);
  const applied: string[] = [];
  // BEGIN EXCLUSIVE: a second process starting at the same moment waits (busy_timeout) and
  // then finds the migrations already recorded.
  const run = db.transaction(() => {
    const done = new Map(
      (db.prepare('SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"').all() as {
        migration_name: string;
        finished_at: number | null;
        rolled_back_at: number | null;
      }[]).map((r) => [r.migration_name, r]),
    );
    for (const m of migrations) {
      const row = done.get(m.name);
      if (row && row.finished_at !== null && row.rolled_back_at === null) continue;
      if (row && row.finished_at === null && row.rolled_back_at === null) {
        throw new Error(`migration ${m.name} previously failed; resolve it (prisma migrate resolve) before starting`);
      }
      const id = randomUUID();
      db.prepare('INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, 0)').run(
        id,
        m.checksum,
        m.name,
        Date.now(),
      );
      db.exec(m.sql);
      db.prepare('UPDATE "_prisma_migrations" SET applied_steps_count = applied_steps_count + 1, finished_at = ? WHERE id = ?').run(Date.now(), id);
      applied.push(m.name);
    }
  });
  run.exclusive();
  return applied;
}
