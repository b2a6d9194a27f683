import type Database from 'better-sqlite3';
import { type ApiKeyRow, type LogFileProgress, type LogResult, type LrPoint, MAX_BATCH, type PointColumn, type PointInput, type PointStore, type RunAtIngest, type SeriesBucket, type StepRange, type StoredPoint } from './point-store';
import { withLateOptimizers } from '@/lib/optimizers/optimizer-points';
import { type MetricValue, metricRollupRows, type Part, rollupRows } from './rollup';

interface RunRow {
  projectId: number;
  pointCount: number;
  batchSeq: number;
  lastStep: number | null;
  lastLr: number | null;
  lastLoss: number | null;
  metricNames: string | null;
}

interface VerdictRow {
  schedule: string | null;
  stepsPerEpoch: number | null;
  cadence: string | null;
  optimizers: string | null;
  config: string | null;
  lastStep: number | null;
  verdict: string | null;
  expectedLr: number | null;
}

/** The run and (LEFT JOIN) its project's rules row: the rule columns are null when `ruleOf` is. */
interface AlertRow {
  projectId: number;
  status: string;
  verdict: string | null;
  muted: number;
  ruleOf: number | null;
  causes: string;
  stallSeconds: number;
  quietSeconds: number;
  nonfiniteLoss: number;
}

const COLUMNS: Record<PointColumn, string> = { lr: '"lr"', loss: '"loss"', epoch: '"epoch"', time: '"time"' };

/** Prisma keeps Json columns as JSON text in SQLite. */
const parseJson = (v: string | null): unknown => (v === null ? null : JSON.parse(v));

// Rows per multi-row INSERT. One statement per 100 rows instead of one per row halves the
// per-row cost (binding and stepping a statement from JS costs about as much as the insert
// itself); 100 × 10 parameters stays far below SQLite's limit of 32,766.
const ROWS_PER_INSERT = 100;

/**
 * `INSERT ... ON CONFLICT DO NOTHING` of many rows: full chunks through one multi-row
 * statement, the rest one row at a time. `fill` writes row i's values into `args` at `at`.
 * Returns how many rows were inserted.
 */
function bulkInsert(prep: (sql: string) => Database.Statement, table: string, columns: string[]) {
  const width = columns.length;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  const many = prep(`${head}${Array(ROWS_PER_INSERT).fill(tuple).join(', ')} ON CONFLICT DO NOTHING`);
  const one = prep(`${head}${tuple} ON CONFLICT DO NOTHING`);
  const chunkArgs: unknown[] = new Array(ROWS_PER_INSERT * width);
  const rowArgs: unknown[] = new Array(width);
  return (count: number, fill: (i: number, args: unknown[], at: number) => void): number => {
    let inserted = 0;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= count; i += ROWS_PER_INSERT) {
      for (let j = 0; j < ROWS_PER_INSERT; j++) fill(i + j, chunkArgs, j * width);
      inserted += many.run(chunkArgs).changes;
    }
    for (; i < count; i++) {
      fill(i, rowArgs, 0);
      inserted += one.run(rowArgs).changes;
    }
    return inserted;
  };
}

export function createSqlitePointStore(db: Database.Database): PointStore {
  // The adapter turns on safe integers for the whole connection; our statements want numbers.
  const prep = (sql: string) => db.prepare(sql).safeIntegers(false);
  const readRun = prep('SELECT "projectId", "pointCount", "batchSeq", "lastStep", "lastLr", "lastLoss", "metricNames" FROM "Run" WHERE "id" = ?');
  const keyByPublicId = prep(
    `SELECT k."id", k."projectId", p."name" AS "projectName", k."salt", k."hash", k."revokedAt" IS NOT NULL AS "revoked"
     FROM "ApiKey" k JOIN "Project" p ON p."id" = k."projectId" WHERE k."publicId" = ?`,
  );
  const readVerdictInputs = prep('SELECT "schedule", "stepsPerEpoch", "cadence", "optimizers", "config", "lastStep", "verdict", "expectedLr" FROM "Run" WHERE "id" = ?');
  const writeVerdict = prep('UPDATE "Run" SET "verdict" = ?, "verdictKind" = ?, "flagged" = ?, "expectedLr" = ? WHERE "id" = ?');
  const readAlertInputs = prep(
    `SELECT r."projectId", r."status", r."verdict", (r."archivedAt" IS NOT NULL OR r."deletedAt" IS NOT NULL) AS "muted", a."projectId" AS "ruleOf", a."causes", a."stallSeconds", a."quietSeconds", a."nonfiniteLoss"
     FROM "Run" r LEFT JOIN "AlertRule" a ON a."projectId" = r."projectId" WHERE r."id" = ?`,
  );
  const alertOpen = prep('SELECT 1 FROM "Alert" WHERE "openKey" = ?').pluck();
  const insertPoints = bulkInsert(prep, 'Point', ['runId', 'step', 'epoch', 'lr', 'lrs', 'loss', 'time', 'batch', 'schedulerStep', 'optimizers']);
  const insertMetrics = bulkInsert(prep, 'MetricPoint', ['runId', 'name', 'step', 'value']);
  const insertBatch = prep('INSERT INTO "PointBatch" ("runId", "batch", "firstStep") VALUES (?, ?, ?)');
  const batchOfPoint = prep('SELECT "batch" FROM "Point" WHERE "runId" = ? AND "step" = ?').pluck();
  const storedOptimizers = prep('SELECT "optimizers" FROM "Point" WHERE "runId" = ? AND "step" = ?').pluck();
  const writeOptimizers = prep('UPDATE "Point" SET "optimizers" = ? WHERE "runId" = ? AND "step" = ?');
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
  // The points of later batches lie at or above the lowest step any of them stored: a range of
  // the primary key, not a scan of the run (PointBatch, in prisma/models.prisma).
  const afterBatch = prep(
    `SELECT "step", "epoch", "lr", "loss", "time", "batch" FROM "Point"
     WHERE "runId" = ? AND "step" >= (SELECT MIN("firstStep") FROM "PointBatch" WHERE "runId" = ? AND "batch" > ? AND "batch" <= ?) AND "batch" > ? AND "batch" <= ?
     ORDER BY "step" LIMIT ?`,
  );
  const lrPoints = prep('SELECT "step", "epoch", "lr", "lrs", "loss", "time", "batch", "schedulerStep", "optimizers" FROM "Point" WHERE "runId" = ? ORDER BY "step"');
  const lrAtOrBefore = prep('SELECT "lr" FROM "Point" WHERE "runId" = ? AND "step" <= ? AND "lr" IS NOT NULL ORDER BY "step" DESC LIMIT 1').pluck();

  const saveProgress = prep(
    `INSERT INTO "LogFile" ("runId", "path", "kind", "offset", "size", "head", "state", "errors", "lastError", "readAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("runId", "path") DO UPDATE SET "kind" = excluded."kind", "offset" = excluded."offset", "size" = excluded."size", "head" = excluded."head",
       "state" = excluded."state", "errors" = excluded."errors", "lastError" = excluded."lastError", "readAt" = excluded."readAt"`,
  );

  const log = db.transaction((runId: number, points: PointInput[], now: number, admit?: (run: RunAtIngest | undefined) => void, progress?: LogFileProgress): LogResult => {
    const run = readRun.get(runId) as RunRow | undefined;
    const metricNames = run?.metricNames ? (JSON.parse(run.metricNames) as string[]) : null;
    admit?.(run && { projectId: run.projectId, pointCount: run.pointCount, metricNames });
    if (!run) throw new Error(`run ${runId} vanished during ingest`);
    const batch = run.batchSeq + 1;
    const accepted = insertPoints(points.length, (i, a, at) => {
      const p = points[i];
      a[at] = runId;
      a[at + 1] = p.step;
      a[at + 2] = p.epoch ?? null;
      a[at + 3] = p.lr ?? null;
      a[at + 4] = p.lrs ? JSON.stringify(p.lrs) : null;
      a[at + 5] = p.loss ?? null;
      a[at + 6] = p.time ?? null;
      a[at + 7] = batch;
      a[at + 8] = p.schedulerStep ?? null;
      a[at + 9] = p.optimizers ? JSON.stringify(p.optimizers) : null;
    });
    // Which points are new: all of them, or (a re-sent batch) those whose row carries this
    // batch's number, since a conflicting row keeps the number of the batch that wrote it.
    // Looked up by primary key, so a retry costs in proportion to the batch, not the run.
    let kept = points;
    if (accepted < points.length) {
      const seen = new Set<number>();
      kept = points.filter((p) => {
        // Of two points with one step in a batch, the first is the one stored.
        if (seen.has(p.step)) return false;
        seen.add(p.step);
        return batchOfPoint.get(runId, p.step) === batch;
      });
    }
    let top: PointInput | undefined;
    let first = Infinity;
    const names = new Set<string>(metricNames ?? []);
    const namesBefore = names.size;
    const metricRows: [string, number, number][] = [];
    for (const p of kept) {
      if (!top || p.step > top.step) top = p;
      if (p.step < first) first = p.step;
      if (p.metrics) {
        for (const name in p.metrics) {
          metricRows.push([name, p.step, p.metrics[name]]);
          names.add(name);
        }
      }
    }
    if (kept.length > 0) insertBatch.run(runId, batch, first);
    insertMetrics(metricRows.length, (i, a, at) => {
      const [name, step, value] = metricRows[i];
      a[at] = runId;
      a[at + 1] = name;
      a[at + 2] = step;
      a[at + 3] = value;
    });
    // Metrics for steps stored earlier (an eval logged after its train step): each added unless
    // the step has that metric already. Row by row, to know which went in; they are few.
    const late: MetricValue[] = [];
    let lateOptimizers = 0;
    if (kept !== points) {
      const keptSteps = new Set(kept.map((p) => p.step));
      for (const p of points) {
        if (keptSteps.has(p.step)) continue;
        if (p.optimizers) {
          const stored = storedOptimizers.get(runId, p.step) as string | null;
          const merged = withLateOptimizers(stored === null ? null : JSON.parse(stored), p.optimizers);
          if (merged) lateOptimizers += writeOptimizers.run(JSON.stringify(merged), runId, p.step).changes;
        }
        if (!p.metrics) continue;
        for (const name in p.metrics) {
          if (insertMetric.run(runId, name, p.step, p.metrics[name]).changes === 0) continue;
          late.push({ name, step: p.step, value: p.metrics[name] });
          names.add(name);
        }
      }
    }
    for (const r of rollupRows(kept)) upsertRollup.run(runId, r.series, r.size, r.bucket, r.step, r.min, r.max, r.sum, r.count);
    for (const r of metricRollupRows(late)) upsertRollup.run(runId, r.series, r.size, r.bucket, r.step, r.min, r.max, r.sum, r.count);
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
    if (progress) {
      const p = progress;
      saveProgress.run(runId, p.path, p.kind, p.offset, p.size, p.head, p.state === undefined ? null : JSON.stringify(p.state), p.errors, p.lastError, p.readAt.getTime());
    }
    return { accepted, duplicates: points.length - accepted, batch, lateMetrics: late.length, lateOptimizers };
  });

  // Prisma's interactive and nested-write transactions keep BEGIN open across awaits on this
  // same connection: a statement run meanwhile would join that transaction (or read what it
  // has not committed). Wait for them to finish; each call below then runs synchronously.
  const idle = async () => {
    while (db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
  };

  return {
    async logPoints(runId, points, now, admit, progress) {
      await idle();
      return log.immediate(runId, points, now.getTime(), admit, progress);
    },
    async apiKey(publicId) {
      await idle();
      const row = keyByPublicId.get(publicId) as (Omit<ApiKeyRow, 'revoked'> & { revoked: number }) | undefined;
      return row && { ...row, revoked: row.revoked === 1 };
    },
    async verdictInputs(runId) {
      await idle();
      const row = readVerdictInputs.get(runId) as VerdictRow | undefined;
      if (!row) return undefined;
      return {
        schedule: parseJson(row.schedule),
        stepsPerEpoch: row.stepsPerEpoch,
        cadence: parseJson(row.cadence),
        optimizers: parseJson(row.optimizers),
        config: parseJson(row.config),
        lastStep: row.lastStep,
        verdict: parseJson(row.verdict),
        expectedLr: row.expectedLr,
      };
    },
    async saveVerdict(runId, u) {
      await idle();
      writeVerdict.run(JSON.stringify(u.verdict), u.verdictKind, u.flagged ? 1 : 0, u.expectedLr, runId);
    },
    async alertInputs(runId, openKeys) {
      await idle();
      const row = readAlertInputs.get(runId) as AlertRow | undefined;
      if (!row) return undefined;
      return {
        projectId: row.projectId,
        status: row.status,
        verdict: parseJson(row.verdict),
        muted: row.muted === 1,
        rules:
          row.ruleOf === null
            ? null
            : { causes: parseJson(row.causes), stallSeconds: row.stallSeconds, quietSeconds: row.quietSeconds, nonfiniteLoss: row.nonfiniteLoss === 1 },
        openKeys: openKeys.filter((k) => alertOpen.get(k) !== undefined),
      };
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
    async pointsAfterBatch(runId, batch, limit, through = MAX_BATCH) {
      return afterBatch.all(runId, runId, batch, through, batch, through, limit) as StoredPoint[];
    },
    async lrPoints(runId) {
      const rows = lrPoints.all(runId) as (Omit<LrPoint, 'lrs' | 'optimizers'> & { lrs: string | null; optimizers: string | null })[];
      return rows.map((r) => ({ ...r, lrs: r.lrs === null ? null : (JSON.parse(r.lrs) as number[]), optimizers: r.optimizers === null ? null : JSON.parse(r.optimizers) }));
    },
    async lrAtOrBefore(runId, step) {
      return (lrAtOrBefore.get(runId, step) as number | undefined) ?? undefined;
    },
  };
}
