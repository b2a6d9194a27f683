import type Database from 'better-sqlite3';
import type { LogResult, PointColumn, PointInput, PointStore, SeriesBucket, StepRange, StoredPoint } from './point-store';
import { type Part, rollupRows } from './rollup';

interface RunRow {
  batchSeq: number;
  lastStep: number | null;
  lastLr: number | null;
  lastLoss: number | null;
  metricNames: string | null;
}

const COLUMNS: Record<PointColumn, string> = { lr: '"lr"', loss: '"loss"', epoch: '"epoch"', time: '"time"' };

export function createSqlitePointStore(db: Database.Database): PointStore {
  // The adapter turns on safe integers for the whole connection; our statements want numbers.
  const prep = (sql: string) => db.prepare(sql).safeIntegers(false);
  const readRun = prep('SELECT "batchSeq", "lastStep", "lastLr", "lastLoss", "metricNames" FROM "Run" WHERE "id" = ?');
  const insertPoint = prep(
    'INSERT INTO "Point" ("runId", "step", "epoch", "lr", "lrs", "loss", "time", "batch") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const insertMetric = prep('INSERT INTO "MetricPoint" ("runId", "name", "step", "value") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const updateRun = prep(
    `UPDATE "Run" SET "batchSeq" = ?, "lastSeenAt" = ?, "pointCount" = "pointCount" + ?,
       "status" = CASE WHEN "status" = 'stalled' THEN 'running' ELSE "status" END,
       "lastStep" = ?, "lastLr" = ?, "lastLoss" = ?, "metricNames" = ?
     WHERE "id" = ?`,
  );
  const upsertRollup = prep(
    `INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("runId", "series", "size", "bucket") DO UPDATE SET "step" = MIN("step", excluded."step"), "min" = MIN("min", excluded."min"),
       "max" = MAX("max", excluded."max"), "sum" = "sum" + excluded."sum", "count" = "count" + excluded."count"`,
  );
  const rollupBlocks = prep(
    'SELECT "size" * "bucket" AS start, "step", "min", "max", "sum", "count" FROM "PointRollup" WHERE "runId" = ? AND "series" = ? AND "size" = ? AND "bucket" BETWEEN ? AND ?',
  );
  const rawColumn = new Map<string, Database.Statement>();
  for (const c of ['lr', 'loss', 'epoch', 'time'] as const) {
    rawColumn.set(c, prep(`SELECT "step", ${COLUMNS[c]} AS v FROM "Point" WHERE "runId" = ? AND "step" BETWEEN ? AND ? AND ${COLUMNS[c]} IS NOT NULL`));
  }
  const rawMetric = prep('SELECT "step", "value" AS v FROM "MetricPoint" WHERE "runId" = ? AND "name" = ? AND "step" BETWEEN ? AND ?');
  const firstAt = new Map<string, Database.Statement>();
  for (const c of ['epoch', 'time'] as const) {
    firstAt.set(c, prep(`SELECT "step", ${COLUMNS[c]} AS v FROM "Point" WHERE "runId" = ? AND "step" BETWEEN ? AND ? AND ${COLUMNS[c]} IS NOT NULL ORDER BY "step" LIMIT 1`));
  }
  const seriesStatements = new Map<string, Database.Statement>();
  const bucketed = (table: string, column: string, extra: string) => {
    const key = `${table}.${column}.${extra}`;
    let stmt = seriesStatements.get(key);
    if (!stmt) {
      stmt = prep(
        `SELECT MIN("step") AS step, AVG(${column}) AS value, MIN(${column}) AS min, MAX(${column}) AS max
         FROM "${table}" WHERE "runId" = ? ${extra} AND "step" BETWEEN ? AND ? AND ${column} IS NOT NULL
         GROUP BY CAST("step" - ? AS INTEGER) / CAST(? AS INTEGER) ORDER BY 1`,
      );
      seriesStatements.set(key, stmt);
    }
    return stmt;
  };
  const afterBatch = prep('SELECT "step", "epoch", "lr", "loss", "time", "batch" FROM "Point" WHERE "runId" = ? AND "batch" > ? ORDER BY "step" LIMIT ?');
  const lrPoints = prep('SELECT "step", "epoch", "lr", "loss", "time", "batch" FROM "Point" WHERE "runId" = ? ORDER BY "step"');

  const log = db.transaction((runId: number, points: PointInput[], now: number): LogResult => {
    const run = readRun.get(runId) as RunRow | undefined;
    if (!run) throw new Error(`run ${runId} vanished during ingest`);
    const batch = run.batchSeq + 1;
    let accepted = 0;
    let top: PointInput | undefined;
    const kept: PointInput[] = [];
    const names = new Set<string>(run.metricNames ? (JSON.parse(run.metricNames) as string[]) : []);
    const namesBefore = names.size;
    for (const p of points) {
      const inserted = insertPoint.run(runId, p.step, p.epoch ?? null, p.lr ?? null, p.lrs ? JSON.stringify(p.lrs) : null, p.loss ?? null, p.time ?? null, batch).changes;
      if (inserted === 0) continue;
      accepted++;
      kept.push(p);
      if (!top || p.step > top.step) top = p;
      if (p.metrics) {
        for (const name in p.metrics) {
          insertMetric.run(runId, name, p.step, p.metrics[name]);
          names.add(name);
        }
      }
    }
    for (const r of rollupRows(kept)) upsertRollup.run(runId, r.series, r.size, r.bucket, r.step, r.min, r.max, r.sum, r.count);
    const advances = top !== undefined && (run.lastStep === null || top.step > run.lastStep);
    updateRun.run(
      batch,
      now,
      accepted,
      advances ? top!.step : run.lastStep,
      advances && top!.lr !== undefined ? top!.lr : run.lastLr,
      advances && top!.loss !== undefined ? top!.loss : run.lastLoss,
      names.size !== namesBefore ? JSON.stringify([...names].sort()) : run.metricNames,
      runId,
    );
    return { accepted, duplicates: points.length - accepted, batch };
  });

  return {
    async logPoints(runId, points, now) {
      // Prisma's nested writes keep BEGIN open across awaits on this same connection; wait
      // for them to finish, then the batch runs synchronously and cannot interleave.
      while (db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
      return log.immediate(runId, points, now.getTime());
    },
    async series(runId, column, range, width) {
      return bucketed('Point', COLUMNS[column], '').all(runId, range.from, range.to, range.from, width) as SeriesBucket[];
    },
    async metricSeries(runId, name, range, width) {
      return bucketed('MetricPoint', '"value"', 'AND "name" = ?').all(runId, name, range.from, range.to, range.from, width) as SeriesBucket[];
    },
    async rollupParts(runId, series, cover) {
      const parts: Part[] = [];
      for (const b of cover.blocks) parts.push(...(rollupBlocks.all(runId, series, b.size, b.lo, b.hi) as Part[]));
      for (const r of cover.raw) {
        const rows = (series === 'lr' || series === 'loss' ? rawColumn.get(series)!.all(runId, r.from, r.to) : rawMetric.all(runId, series, r.from, r.to)) as { step: number; v: number }[];
        for (const { step, v } of rows) if (Number.isFinite(v)) parts.push({ start: step, step, min: v, max: v, sum: v, count: 1 });
      }
      return parts;
    },
    async firstAtOrAfter(runId, column, starts, to) {
      const stmt = firstAt.get(column)!;
      const out: SeriesBucket[] = [];
      for (let i = 0; i < starts.length; i++) {
        const row = stmt.get(runId, starts[i], Math.min(to, i + 1 < starts.length ? starts[i + 1] - 1 : to)) as { step: number; v: number } | undefined;
        if (row) out.push({ step: row.step, value: row.v, min: row.v, max: row.v });
      }
      return out;
    },
    async pointsAfterBatch(runId, batch, limit) {
      return afterBatch.all(runId, batch, limit) as StoredPoint[];
    },
    async lrPoints(runId) {
      return lrPoints.all(runId) as StoredPoint[];
    },
  };
}
