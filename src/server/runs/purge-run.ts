// Removes a run's rows a bounded chunk at a time, so that deleting a 1,000,000-point run does not
// stall ingest of the others: one DELETE of the whole run holds SQLite's single write lock (and
// this process's event loop: better-sqlite3 is synchronous) for seconds, and on PostgreSQL
// competes for the same two cores and WAL. Each chunk is its own short transaction, and after
// each one the purge rests three times as long as the chunk took, so it never takes more than a
// quarter of the database's time however fast or slow the machine is (bench/delete-run.ts).
import type { Db } from '../db/open-database';

export const PURGE_CHUNK_ROWS = 5_000;
const REST_FACTOR = 3;

// Every table keyed by (runId, ...); their primary keys order the chunks. Tags, alerts and
// deliveries are few per run and go with the run row (ON DELETE CASCADE).
const TABLES: { table: string; key: string[] }[] = [
  { table: 'Point', key: ['runId', 'step'] },
  { table: 'MetricPoint', key: ['runId', 'name', 'step'] },
  { table: 'PointRollup', key: ['runId', 'series', 'size', 'bucket'] },
  { table: 'PointBatch', key: ['runId', 'batch'] },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function chunkStatement(provider: Db['provider'], table: string, key: string[]): { sql: string; args: (runId: number, rows: number) => number[] } {
  if (provider === 'postgres') {
    // ctids of the first rows in index order, then a TID scan: no re-scan of what is left.
    return {
      sql: `DELETE FROM "${table}" WHERE ctid = ANY(ARRAY(SELECT ctid FROM "${table}" WHERE "runId" = $1 LIMIT $2))`,
      args: (runId, rows) => [runId, rows],
    };
  }
  // SQLite has no ctid, and these tables are WITHOUT ROWID: the keys of the first rows, each
  // then deleted by a primary-key lookup. (A range "key <= the chunk's last key" is not used as
  // an index bound for a row value, and re-scans the rest of the run on every chunk.)
  const cols = key.map((c) => `"${c}"`).join(', ');
  return {
    sql: `DELETE FROM "${table}" WHERE (${cols}) IN (SELECT ${cols} FROM "${table}" WHERE "runId" = ? LIMIT ?)`,
    args: (runId, rows) => [runId, rows],
  };
}

/** Deletes the run's points, metric values, chart rollups and batch index in chunks, then the run row (with its tags, alerts and deliveries). */
export async function purgeRun(db: Db, runId: number, chunkRows = PURGE_CHUNK_ROWS): Promise<void> {
  for (const { table, key } of TABLES) {
    const chunk = chunkStatement(db.provider, table, key);
    for (;;) {
      const started = performance.now();
      const removed = await db.prisma.$executeRawUnsafe(chunk.sql, ...chunk.args(runId, chunkRows));
      if (removed < chunkRows) break;
      await sleep(Math.max(1, (performance.now() - started) * REST_FACTOR));
    }
  }
  // Whatever a trainer still sent meanwhile is a few rows: the cascade takes them with the run.
  await db.prisma.run.deleteMany({ where: { id: runId } });
}
