// The SQL migrations are written by hand (Prisma's migrate engine cannot run offline), so this
// proves the migrated databases are exactly what prisma/models.prisma describes.
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migratePostgres } from '@/server/db/migrate-postgres';
import { migrateSqlite } from '@/server/db/migrate-sqlite';
import { readMigrations } from '@/server/db/migrations';
import { type ExpectedTable, readModels } from '../helpers/prisma-schema';
import { withTempPostgresDatabase } from '../helpers/postgres';

const models = readModels();

const SQLITE_TYPES: Record<string, string> = { Int: 'INTEGER', String: 'TEXT', Float: 'REAL', Boolean: 'BOOLEAN', DateTime: 'DATETIME', Json: 'JSONB' };
const PG_TYPES: Record<string, string> = { Int: 'integer', String: 'text', Float: 'double precision', Boolean: 'boolean', DateTime: 'timestamp without time zone', Json: 'jsonb' };

interface ActualTable {
  columns: { name: string; type: string; nullable: boolean }[];
  primaryKey: string[];
  indexes: { columns: string[]; unique: boolean }[];
}

function expectSameTables(actual: Map<string, ActualTable>, types: Record<string, string>) {
  expect([...actual.keys()].sort()).toEqual(models.map((m) => m.name).sort());
  for (const model of models) {
    const t = actual.get(model.name)!;
    const expected = (m: ExpectedTable) => m.columns.map((c) => ({ name: c.name, type: types[c.type], nullable: c.nullable }));
    expect(t.columns, `${model.name} columns`).toEqual(expected(model));
    expect(t.primaryKey, `${model.name} primary key`).toEqual(model.primaryKey);
    const sortIdx = (xs: { columns: string[]; unique: boolean }[]) => [...xs].sort((a, b) => a.columns.join().localeCompare(b.columns.join()));
    expect(sortIdx(t.indexes), `${model.name} indexes`).toEqual(sortIdx(model.indexes));
  }
}

describe('migrations match prisma/models.prisma', () => {
  it('every model in the schema has its table, columns, key and indexes in SQLite', () => {
    const db = new Database(':memory:');
    migrateSqlite(db);
    const names = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'`).all() as { name: string }[]).map((r) => r.name);
    const actual = new Map<string, ActualTable>();
    for (const name of names) {
      const info = db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string; type: string; notnull: number; pk: number }[];
      const indexes = (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number; origin: string }[])
        .filter((i) => i.origin !== 'pk')
        .map((i) => ({ columns: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name), unique: i.unique === 1 }));
      actual.set(name, {
        columns: info.map((c) => ({ name: c.name, type: c.type, nullable: c.notnull === 0 && c.pk === 0 })),
        primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        indexes,
      });
    }
    expectSameTables(actual, SQLITE_TYPES);
  });

  it('every model has its table, columns, key and indexes in PostgreSQL', async () => {
    await withTempPostgresDatabase(async (url) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await migratePostgres(client);
        const cols = await client.query(
          `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name != '_prisma_migrations' ORDER BY table_name, ordinal_position`,
        );
        const pk = await client.query(
          `SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
           WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public' AND tc.table_name != '_prisma_migrations' ORDER BY tc.table_name, kcu.ordinal_position`,
        );
        const idx = await client.query(
          `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS unique, array_to_json(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)) AS columns
           FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname != '_prisma_migrations'`,
        );
        const actual = new Map<string, ActualTable>();
        for (const r of cols.rows) {
          if (!actual.has(r.table_name)) actual.set(r.table_name, { columns: [], primaryKey: [], indexes: [] });
          actual.get(r.table_name)!.columns.push({ name: r.column_name, type: r.data_type, nullable: r.is_nullable === 'YES' });
        }
        for (const r of pk.rows) actual.get(r.table_name)!.primaryKey.push(r.column_name);
        for (const r of idx.rows) actual.get(r.table_name)!.indexes.push({ columns: r.columns, unique: r.unique });
        expectSameTables(actual, PG_TYPES);
      } finally {
        await client.end();
      }
    });
  });

  it('records each migration in _prisma_migrations the way prisma migrate deploy does', () => {
    const db = new Database(':memory:');
    expect(migrateSqlite(db)).toEqual(readMigrations('sqlite').map((m) => m.name));
    const rows = db.prepare('SELECT * FROM _prisma_migrations').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(readMigrations('sqlite').length);
    for (const [i, m] of readMigrations('sqlite').entries()) {
      expect(rows[i]).toMatchObject({ migration_name: m.name, checksum: m.checksum, applied_steps_count: 1, rolled_back_at: null, logs: null });
      expect(rows[i].id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof rows[i].finished_at).toBe('number');
    }
    expect(migrateSqlite(db), 'a second run applies nothing').toEqual([]);
  });

  it('migrations for both providers list the same migration names', () => {
    expect(readMigrations('postgres').map((m) => m.name)).toEqual(readMigrations('sqlite').map((m) => m.name));
  });
});
