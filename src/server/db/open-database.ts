// The one place that connects to the database: Prisma with a driver adapter (no native engine),
// migrations applied before first use, and the hot-path point store on the same connection.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { PrismaClient as PostgresPrismaClient } from '@/generated/postgres/client';
import { PrismaClient as SqlitePrismaClient } from '@/generated/sqlite/client';
import type { Config, DatabaseProvider } from '../config';
import { migratePostgres } from './migrate-postgres';
import { migrateSqlite } from './migrate-sqlite';
import { logAtMostEvery } from '../log-at-most-every';
import { createLocalBus, type LiveBus } from '../live/bus';
import { createPostgresBus } from '../live/postgres-bus';
import type { PointStore } from './point-store';
import { createPostgresPointStore } from './postgres-point-store';
import { createSqlitePointStore } from './sqlite-point-store';

/** Both generated clients have the same models; the SQLite one's type stands for both. */
export type Prisma = InstanceType<typeof SqlitePrismaClient>;

export interface Db {
  provider: DatabaseProvider;
  prisma: Prisma;
  points: PointStore;
  /** Live notifications for pages (see live/bus.ts). */
  live: LiveBus;
  /** Names of the migrations this open applied (empty when the schema was current). */
  migrated: string[];
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, 'provider' | 'databaseUrl' | 'sqlitePath'>): Promise<Db> {
  return config.provider === 'sqlite' ? openSqlite(config.sqlitePath!) : openPostgres(config.databaseUrl);
}

async function openSqlite(file: string): Promise<Db> {
  mkdirSync(path.dirname(file), { recursive: true });
  // One connection serves Prisma and the point store: two connections in one process could
  // deadlock, since better-sqlite3 waits for a lock synchronously while Prisma's holder
  // needs the event loop to finish.
  const factory = new PrismaBetterSqlite3({ url: `file:${file}`, timeout: 10_000 }, { timestampFormat: 'unixepoch-ms' });
  let connection: Database.Database | undefined;
  const capturing: typeof factory = Object.assign(Object.create(Object.getPrototypeOf(factory)), factory, {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      // The adapter keeps its better-sqlite3 handle in a public `client` field.
      connection = (adapter as unknown as { client: Database.Database }).client;
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  });
  const prisma = new SqlitePrismaClient({ adapter: capturing });
  await prisma.$connect();
  if (!connection) throw new Error('internal: the SQLite adapter did not expose its connection');
  const db = connection;
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a killed process loses nothing committed; only an OS crash could.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const migrated = migrateSqlite(db);
  return {
    provider: 'sqlite',
    prisma,
    points: createSqlitePointStore(db),
    live: createLocalBus(),
    migrated,
    close: () => prisma.$disconnect(),
  };
}

async function openPostgres(url: string): Promise<Db> {
  // A database that drops packets fails a request in 10 s instead of holding it forever.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 });
  // PostgreSQL dropping a connection (a restart, pg_terminate_backend) is an 'error' event on
  // its client, idle or checked out; unhandled, it would kill the process. The query in flight
  // fails with its own error (a 5xx for that request) and the pool opens a new connection.
  const onLostConnection = logAtMostEvery(10_000, (err: Error, more) => console.error(`lrscope: a PostgreSQL connection was lost (${err.message})${more ? ` (and ${more} more)` : ''}; reconnecting`));
  pool.on('error', onLostConnection);
  pool.on('connect', (c) => c.on('error', onLostConnection));
  const client = await pool.connect();
  let migrated: string[];
  try {
    migrated = await migratePostgres(client);
  } finally {
    client.release();
  }
  const prisma = new PostgresPrismaClient({ adapter: new PrismaPg(pool) }) as unknown as Prisma;
  const live = await createPostgresBus(pool, url);
  return {
    provider: 'postgres',
    prisma,
    points: createPostgresPointStore(pool),
    live,
    migrated,
    close: async () => {
      await live.close();
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
