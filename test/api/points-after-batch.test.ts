// "The points of batches after N" is what a live feed reads on every change and what a page
// resumes from. It must give exactly the points a scan of the run would, however batches
// interleave steps (a trainer resumed from a checkpoint, re-sent batches, several writers), and
// read a step range of the primary key, not the whole run.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '@/server/db/open-database';
import type { PointInput } from '@/server/db/point-store';
import { migrateSqlite } from '@/server/db/migrate-sqlite';
import { createSqlitePointStore } from '@/server/db/sqlite-point-store';
import { createTempPostgresDatabase } from '../helpers/postgres';

const onPostgres = process.env.LRSCOPE_TEST_DB === 'postgres';

let db: Db;
let dropDatabase: (() => Promise<void>) | undefined;

beforeAll(async () => {
  if (onPostgres) {
    const temp = await createTempPostgresDatabase();
    dropDatabase = temp.drop;
    db = await openDatabase({ provider: 'postgres', databaseUrl: temp.url });
  } else {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-after-batch-')), 'lrscope.db');
    db = await openDatabase({ provider: 'sqlite', databaseUrl: `file:${file}`, sqlitePath: file });
  }
});

afterAll(async () => {
  await db?.close();
  await dropDatabase?.();
});

/** Deterministic, so a failure names a sequence that can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function newRun(name: string): Promise<number> {
  const project = await db.prisma.project.upsert({ where: { name: 'after-batch' }, create: { name: 'after-batch' }, update: {} });
  return (await db.prisma.run.create({ data: { name, projectId: project.id } })).id;
}

const point = (step: number): PointInput => ({ step, lr: 1e-3, loss: 1 / (step + 1) });

/**
 * Logs `batches` calls of mixed shapes and returns which batch stored each step (the first
 * writer of a step keeps it), as a scan of the run would see it.
 */
async function logMixed(runId: number, seed: number, batches: number): Promise<Map<number, number>> {
  const rnd = random(seed);
  const storedBy = new Map<number, number>();
  let top = 0;
  for (let b = 1; b <= batches; b++) {
    const r = rnd();
    let steps: number[];
    if (r < 0.55) {
      // Counting up, leaving a gap now and then (a filtered step, a later writer's step).
      steps = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => (top += rnd() < 0.15 ? 3 : 1));
    } else if (r < 0.7) {
      // Resumed from a checkpoint: starts below the top, partly re-sent, partly filling gaps.
      const from = Math.max(0, top - Math.floor(rnd() * 60));
      steps = Array.from({ length: 1 + Math.floor(rnd() * 80) }, (_, i) => from + i);
      top = Math.max(top, ...steps);
    } else if (r < 0.8) {
      // A retry of steps all stored already: the call gets a batch number and stores nothing.
      steps = [...storedBy.keys()].slice(-Math.min(storedBy.size, 1 + Math.floor(rnd() * 10)));
      if (steps.length === 0) steps = [top];
    } else {
      // Another writer's steps, out of order.
      steps = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * (top + 40)));
      top = Math.max(top, ...steps);
    }
    const res = await db.points.logPoints(runId, steps.map(point), new Date());
    expect(res.batch).toBe(b);
    for (const s of steps) if (!storedBy.has(s)) storedBy.set(s, b);
  }
  return storedBy;
}

function expectedAfter(storedBy: Map<number, number>, batch: number, limit: number) {
  return [...storedBy]
    .filter(([, b]) => b > batch)
    .sort((x, y) => x[0] - y[0])
    .slice(0, limit)
    .map(([step, b]) => ({ step, batch: b }));
}

async function expectAllCursors(runId: number, storedBy: Map<number, number>, batches: number) {
  for (const limit of [5, 10_001]) {
    for (let after = 0; after <= batches + 1; after++) {
      const got = (await db.points.pointsAfterBatch(runId, after, limit)).map((p) => ({ step: p.step, batch: p.batch }));
      expect(got, `after batch ${after}, limit ${limit}`).toEqual(expectedAfter(storedBy, after, limit));
      // Up to a later batch: what a live page behind the others asks for.
      const through = after + 1 + (after % 7);
      const upTo = new Map([...storedBy].filter(([, b]) => b <= through));
      const gotUpTo = (await db.points.pointsAfterBatch(runId, after, limit, through)).map((p) => ({ step: p.step, batch: p.batch }));
      expect(gotUpTo, `after batch ${after} through ${through}, limit ${limit}`).toEqual(expectedAfter(upTo, after, limit));
    }
  }
}

describe(`points of batches after N (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('are exactly what a scan of the run finds, for every N, whatever order the batches wrote steps in', async () => {
    for (const seed of [1, 2, 3]) {
      const runId = await newRun(`mixed-${seed}`);
      const storedBy = await logMixed(runId, seed, 60);
      await expectAllCursors(runId, storedBy, 60);
    }
  });

  it('are found for points stored before the upgrade that indexes batches (the migration backfills it)', async () => {
    const runId = await newRun('before-upgrade');
    const storedBy = await logMixed(runId, 7, 40);
    // The backfill is of the whole table, as the upgrade runs it.
    await db.prisma.$executeRawUnsafe('DELETE FROM "PointBatch"');
    const migration = readFileSync(path.join(process.cwd(), 'prisma', onPostgres ? 'postgres' : 'sqlite', 'migrations', '20261207210000_point_batch', 'migration.sql'), 'utf8');
    const backfill = migration.slice(migration.indexOf('INSERT INTO "PointBatch"'));
    await db.prisma.$executeRawUnsafe(backfill.replace(/;\s*$/, ''));
    await expectAllCursors(runId, storedBy, 40);
  });

  it('go with the run when it is deleted', async () => {
    const runId = await newRun('deleted');
    await logMixed(runId, 11, 5);
    await db.prisma.run.delete({ where: { id: runId } });
    const left = await db.prisma.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT COUNT(*) AS n FROM "PointBatch" WHERE "runId" = ${runId}`);
    expect(Number(left[0].n)).toBe(0);
  });
});

describe.skipIf(onPostgres)('the SQLite read', () => {
  it('is a step range of the primary key, not a scan of the run', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-plan-')), 'plan.db');
    const raw = new Database(file);
    migrateSqlite(raw);
    const prepared: string[] = [];
    const prepare = raw.prepare.bind(raw);
    raw.prepare = ((sql: string) => {
      prepared.push(sql);
      return prepare(sql);
    }) as typeof raw.prepare;
    createSqlitePointStore(raw);
    const reads = prepared.filter((sql) => /FROM "Point"[\s\S]*"batch" >/.test(sql));
    expect(reads).toHaveLength(1);
    const plan = (prepare(`EXPLAIN QUERY PLAN ${reads[0]}`).all(1, 1, 5, 9, 5, 9, 10) as { detail: string }[]).map((r) => r.detail);
    expect(plan).toContain('SEARCH Point USING PRIMARY KEY (runId=? AND step>?)');
    raw.close();
  });
});
