import type pg from 'pg';
import { type ApiKeyRow, type LogResult, type LrPoint, MAX_BATCH, type PointColumn, type PointInput, type PointStore, type RunVerdictInputs, type SeriesBucket, type StepRange, type StoredPoint } from './point-store';
import { type MetricValue, mergeRollupRows, metricRollupRows, type Part, rollupRows } from './rollup';

const COLUMNS: Record<PointColumn, string> = { lr: '"lr"', loss: '"loss"', epoch: '"epoch"', time: '"time"' };

// Batches go in as one statement per table: columns as arrays, expanded by unnest(). A fixed
// number of parameters whatever the batch size (multi-row VALUES needs 8 per point and a fresh
// parse of a statement that grows with the batch), and nothing to split under PostgreSQL's
// 65,535-parameter cap. Metrics, up to 100 per point, are sent this many rows at a time.
const METRIC_CHUNK = 20_000;

// The batch's lowest stored step goes to PointBatch in the same statement (the live feed's range).
const INSERT_POINTS = `WITH stored AS (
    INSERT INTO "Point" ("runId","step","epoch","lr","lrs","loss","time","batch","schedulerStep","optimizers")
    SELECT $1, u.step, u.epoch, u.lr, u.lrs::jsonb, u.loss, u.time, $2, u.scheduler_step, u.optimizers::jsonb
    FROM unnest($3::int[], $4::float8[], $5::float8[], $6::text[], $7::float8[], $8::float8[], $9::int[], $10::text[]) AS u(step, epoch, lr, lrs, loss, time, scheduler_step, optimizers)
    ON CONFLICT DO NOTHING RETURNING "step"
  ), batch AS (
    INSERT INTO "PointBatch" ("runId","batch","firstStep") SELECT $1, $2, MIN("step") FROM stored HAVING COUNT(*) > 0
  )
  SELECT "step" FROM stored`;

const INSERT_METRICS = `INSERT INTO "MetricPoint" ("runId","name","step","value")
  SELECT $1, u.name, u.step, u.value FROM unnest($2::text[], $3::int[], $4::float8[]) AS u(name, step, value)
  ON CONFLICT DO NOTHING`;

// Metrics for steps stored earlier: which of them went in (the step may have that metric already).
const INSERT_LATE_METRICS = `${INSERT_METRICS} RETURNING "name", "step", "value"`;

// Optimizers of a later record for a stored step (several watchers, records split across batches):
// those the step does not have yet are added; one it has keeps its values (jsonb || lets the right win).
const ADD_LATE_OPTIMIZERS = `UPDATE "Point" p SET "optimizers" = u.o::jsonb || COALESCE(p."optimizers", '{}'::jsonb)
  FROM unnest($2::int[], $3::text[]) AS u(step, o)
  WHERE p."runId" = $1 AND p."step" = u.step AND NOT COALESCE(p."optimizers", '{}'::jsonb) ?& ARRAY(SELECT jsonb_object_keys(u.o::jsonb))`;

// Rows arrive one per block (mergeRollupRows). Adding to a stored sum saturates at ±Infinity,
// as JavaScript and SQLite do, where float8 addition would fail the whole batch with "value out
// of range" (two finite values near 1e308); halving first cannot overflow.
const SATURATING_SUM = `CASE WHEN "PointRollup"."sum" / 2 + excluded."sum" / 2 > 8.988465674311579e307 THEN 'Infinity'::float8
    WHEN "PointRollup"."sum" / 2 + excluded."sum" / 2 < -8.988465674311579e307 THEN '-Infinity'::float8
    ELSE "PointRollup"."sum" + excluded."sum" END`;

const UPSERT_ROLLUPS = `INSERT INTO "PointRollup" ("runId","series","size","bucket","step","min","max","sum","count")
  SELECT $1, u.series, u.size, u.bucket, u.step, u.min, u.max, u.sum, u.count
  FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::float8[], $7::float8[], $8::float8[], $9::int[]) AS u(series, size, bucket, step, min, max, sum, count)
  ON CONFLICT ("runId","series","size","bucket") DO UPDATE SET "step" = LEAST("PointRollup"."step", excluded."step"),
    "min" = LEAST("PointRollup"."min", excluded."min"), "max" = GREATEST("PointRollup"."max", excluded."max"),
    "sum" = ${SATURATING_SUM}, "count" = "PointRollup"."count" + excluded."count"`;

// AVG of float8 fails the whole read with "value out of range" once a bucket's sum passes the
// largest double (values near 1e308: a diverging float64 loss). Such values (and NaN, which
// PostgreSQL orders above them) are summed as numeric, which cannot overflow; every other bucket
// is exactly AVG, and the numeric path touches only the buckets that need it.
const BIG = '1e290::float8';
const mean = (c: string) => `CASE WHEN COUNT(*) FILTER (WHERE abs(${c}) > ${BIG}) = 0
    THEN AVG(${c}) FILTER (WHERE abs(${c}) <= ${BIG})
    ELSE (SELECT CASE WHEN abs(m) < 1e-300 THEN 0::float8 ELSE m::float8 END FROM (SELECT
      (SUM(${c}::numeric) FILTER (WHERE abs(${c}) > ${BIG}) + COALESCE(SUM(${c}) FILTER (WHERE abs(${c}) <= ${BIG}), 0)::numeric) / COUNT(${c}) AS m) AS big)
    END`;

export function createPostgresPointStore(pool: pg.Pool): PointStore {
  const bucketed = async (sql: string, args: unknown[]) =>
    (await pool.query(sql, args)).rows.map((r) => ({ step: Number(r.step), value: Number(r.value), min: Number(r.min), max: Number(r.max) })) as SeriesBucket[];

  return {
    async logPoints(runId, points, now, admit, progress): Promise<LogResult> {
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        await client.query('BEGIN');
        // Locks the run row: concurrent batches of one run serialise here and get distinct batch
        // numbers, committed in number order (the live feed's ids rely on it).
        const { rows } = await client.query(
          'UPDATE "Run" SET "batchSeq" = "batchSeq" + 1 WHERE "id" = $1 RETURNING "projectId", "pointCount", "batchSeq", "lastStep", "lastLr", "lastLoss", "metricNames"',
          [runId],
        );
        const run = rows[0] as
          | { projectId: number; pointCount: number; batchSeq: number; lastStep: number | null; lastLr: number | null; lastLoss: number | null; metricNames: string[] | null }
          | undefined;
        // A rejected batch rolls back, the batchSeq increment with it.
        admit?.(run && { projectId: run.projectId, pointCount: run.pointCount, metricNames: run.metricNames });
        if (!run) throw new Error(`run ${runId} vanished during ingest`);
        const batch = run.batchSeq;
        const n = points.length;
        const steps = new Array<number>(n);
        const epochs = new Array<number | null>(n);
        const lrs = new Array<number | null>(n);
        const groupLrs = new Array<string | null>(n);
        const losses = new Array<number | null>(n);
        const times = new Array<number | null>(n);
        const schedulerSteps = new Array<number | null>(n);
        const optimizers = new Array<string | null>(n);
        for (let i = 0; i < n; i++) {
          const p = points[i];
          steps[i] = p.step;
          epochs[i] = p.epoch ?? null;
          lrs[i] = p.lr ?? null;
          groupLrs[i] = p.lrs ? JSON.stringify(p.lrs) : null;
          losses[i] = p.loss ?? null;
          times[i] = p.time ?? null;
          schedulerSteps[i] = p.schedulerStep ?? null;
          optimizers[i] = p.optimizers ? JSON.stringify(p.optimizers) : null;
        }
        const inserted = await client.query(INSERT_POINTS, [runId, batch, steps, epochs, lrs, groupLrs, losses, times, schedulerSteps, optimizers]);
        const insertedSteps = new Set<number>();
        for (const r of inserted.rows) insertedSteps.add(Number(r.step));
        const names = new Set<string>(run.metricNames ?? []);
        const namesBefore = names.size;
        const metricNames: string[] = [];
        const metricSteps: number[] = [];
        const metricValues: number[] = [];
        let top: PointInput | undefined;
        const kept: PointInput[] = insertedSteps.size === n ? points : [];
        for (const p of points) {
          if (kept !== points) {
            if (!insertedSteps.has(p.step)) continue;
            kept.push(p);
          }
          if (!top || p.step > top.step) top = p;
          for (const name in p.metrics ?? {}) {
            metricNames.push(name);
            metricSteps.push(p.step);
            metricValues.push(p.metrics![name]);
            names.add(name);
          }
        }
        for (let i = 0; i < metricNames.length; i += METRIC_CHUNK) {
          await client.query(INSERT_METRICS, [runId, metricNames.slice(i, i + METRIC_CHUNK), metricSteps.slice(i, i + METRIC_CHUNK), metricValues.slice(i, i + METRIC_CHUNK)]);
        }
        // Metrics for steps stored earlier (an eval logged after its train step): each added unless
        // the step has that metric already.
        const late: MetricValue[] = [];
        let lateOptimizers = 0;
        if (kept !== points) {
          const withOptimizers = points.filter((p) => p.optimizers && !insertedSteps.has(p.step));
          if (withOptimizers.length > 0) {
            const updated = await client.query(ADD_LATE_OPTIMIZERS, [runId, withOptimizers.map((p) => p.step), withOptimizers.map((p) => JSON.stringify(p.optimizers))]);
            lateOptimizers = updated.rowCount ?? 0;
          }
          const lateNames: string[] = [];
          const lateSteps: number[] = [];
          const lateValues: number[] = [];
          for (const p of points) {
            if (!p.metrics || insertedSteps.has(p.step)) continue;
            for (const name in p.metrics) {
              lateNames.push(name);
              lateSteps.push(p.step);
              lateValues.push(p.metrics[name]);
            }
          }
          for (let i = 0; i < lateNames.length; i += METRIC_CHUNK) {
            const added = await client.query(INSERT_LATE_METRICS, [runId, lateNames.slice(i, i + METRIC_CHUNK), lateSteps.slice(i, i + METRIC_CHUNK), lateValues.slice(i, i + METRIC_CHUNK)]);
            for (const r of added.rows) {
              late.push({ name: r.name, step: Number(r.step), value: Number(r.value) });
              names.add(r.name);
            }
          }
        }
        const folded = rollupRows(kept);
        if (late.length > 0) folded.push(...metricRollupRows(late));
        const rollups = mergeRollupRows(folded);
        if (rollups.length > 0) {
          await client.query(UPSERT_ROLLUPS, [
            runId,
            rollups.map((r) => r.series),
            rollups.map((r) => r.size),
            rollups.map((r) => r.bucket),
            rollups.map((r) => r.step),
            rollups.map((r) => r.min),
            rollups.map((r) => r.max),
            rollups.map((r) => r.sum),
            rollups.map((r) => r.count),
          ]);
        }
        const advances = top !== undefined && (run.lastStep === null || top.step > run.lastStep);
        await client.query(
          `UPDATE "Run" SET "lastSeenAt" = $1, "pointCount" = "pointCount" + $2,
             "status" = CASE WHEN "status" = 'stalled' THEN 'running' ELSE "status" END,
             "lastStep" = $3, "lastLr" = $4, "lastLoss" = $5, "metricNames" = $6::jsonb WHERE "id" = $7`,
          [
            now,
            insertedSteps.size,
            advances ? top!.step : run.lastStep,
            advances && top!.lr !== undefined ? top!.lr : run.lastLr,
            advances && top!.loss !== undefined ? top!.loss : run.lastLoss,
            names.size !== namesBefore ? JSON.stringify([...names].sort()) : run.metricNames === null ? null : JSON.stringify(run.metricNames),
            runId,
          ],
        );
        if (progress) {
          const p = progress;
          await client.query(
            `INSERT INTO "LogFile" ("runId", "path", "kind", "offset", "size", "head", "state", "errors", "lastError", "readAt") VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)
             ON CONFLICT ("runId", "path") DO UPDATE SET "kind" = excluded."kind", "offset" = excluded."offset", "size" = excluded."size", "head" = excluded."head",
               "state" = excluded."state", "errors" = excluded."errors", "lastError" = excluded."lastError", "readAt" = excluded."readAt"`,
            [runId, p.path, p.kind, p.offset, p.size, p.head, p.state === undefined ? null : JSON.stringify(p.state), p.errors, p.lastError, p.readAt],
          );
        }
        await client.query('COMMIT');
        return { accepted: insertedSteps.size, duplicates: points.length - insertedSteps.size, batch, lateMetrics: late.length, lateOptimizers };
      } catch (err) {
        failed = err as Error;
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        // A connection that failed mid-transaction may be dead: destroy it rather than pool it.
        client.release(failed);
      }
    },
    async apiKey(publicId) {
      const { rows } = await pool.query(
        `SELECT k."id", k."projectId", p."name" AS "projectName", k."salt", k."hash", k."revokedAt" IS NOT NULL AS "revoked"
         FROM "ApiKey" k JOIN "Project" p ON p."id" = k."projectId" WHERE k."publicId" = $1`,
        [publicId],
      );
      return rows[0] as ApiKeyRow | undefined;
    },
    async verdictInputs(runId) {
      const { rows } = await pool.query('SELECT "schedule", "stepsPerEpoch", "cadence", "optimizers", "config", "lastStep", "verdict", "expectedLr" FROM "Run" WHERE "id" = $1', [runId]);
      return rows[0] as RunVerdictInputs | undefined;
    },
    async saveVerdict(runId, u) {
      await pool.query('UPDATE "Run" SET "verdict" = $1::jsonb, "verdictKind" = $2, "flagged" = $3, "expectedLr" = $4 WHERE "id" = $5', [
        JSON.stringify(u.verdict),
        u.verdictKind,
        u.flagged,
        u.expectedLr,
        runId,
      ]);
    },
    async alertInputs(runId, openKeys) {
      const { rows } = await pool.query(
        `SELECT r."projectId", r."status", r."verdict", (r."archivedAt" IS NOT NULL OR r."deletedAt" IS NOT NULL) AS "muted", a."projectId" AS "ruleOf", a."causes", a."stallSeconds", a."quietSeconds", a."nonfiniteLoss",
           ARRAY(SELECT "openKey" FROM "Alert" WHERE "openKey" = ANY($2::text[])) AS "openKeys"
         FROM "Run" r LEFT JOIN "AlertRule" a ON a."projectId" = r."projectId" WHERE r."id" = $1`,
        [runId, openKeys],
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        projectId: row.projectId,
        status: row.status,
        verdict: row.verdict,
        muted: row.muted,
        rules: row.ruleOf === null ? null : { causes: row.causes, stallSeconds: row.stallSeconds, quietSeconds: row.quietSeconds, nonfiniteLoss: row.nonfiniteLoss },
        openKeys: row.openKeys as string[],
      };
    },
    async series(runId, column: PointColumn, range: StepRange, width: number) {
      const c = COLUMNS[column];
      return bucketed(
        `SELECT MIN("step") AS step, ${mean(c)} AS value, MIN(${c}) AS min, MAX(${c}) AS max FROM "Point"
         WHERE "runId" = $1 AND "step" BETWEEN $2 AND $3 AND ${c} IS NOT NULL GROUP BY ("step" - $2) / $4 ORDER BY 1`,
        [runId, range.from, range.to, width],
      );
    },
    async metricSeries(runId, name, range, width) {
      return bucketed(
        `SELECT MIN("step") AS step, ${mean('"value"')} AS value, MIN("value") AS min, MAX("value") AS max FROM "MetricPoint"
         WHERE "runId" = $1 AND "name" = $2 AND "step" BETWEEN $3 AND $4 GROUP BY ("step" - $3) / $5 ORDER BY 1`,
        [runId, name, range.from, range.to, width],
      );
    },
    async rollupParts(runId, series, cover) {
      // One round trip per table, not one per block: a cover holds up to two blocks per pyramid
      // level, and each round trip costs more than the rows it reads.
      const none = Promise.resolve({ rows: [] as any[] });
      const blocks =
        cover.blocks.length === 0
          ? none
          : pool.query(
              `SELECT r."size" * r."bucket" AS start, r."step", r."min", r."max", r."sum", r."count" FROM unnest($3::int[], $4::int[], $5::int[]) AS c(size, lo, hi)
               CROSS JOIN LATERAL (SELECT * FROM "PointRollup" WHERE "runId" = $1 AND "series" = $2 AND "size" = c.size AND "bucket" BETWEEN c.lo AND c.hi) r`,
              [runId, series, cover.blocks.map((b) => b.size), cover.blocks.map((b) => b.lo), cover.blocks.map((b) => b.hi)],
            );
      const froms = cover.raw.map((r) => r.from);
      const tos = cover.raw.map((r) => r.to);
      const raw =
        cover.raw.length === 0
          ? none
          : series === 'lr' || series === 'loss'
            ? pool.query(
                `SELECT p."step", p.v FROM unnest($2::int[], $3::int[]) AS c(a, b)
                 CROSS JOIN LATERAL (SELECT "step", ${COLUMNS[series]} AS v FROM "Point" WHERE "runId" = $1 AND "step" BETWEEN c.a AND c.b AND ${COLUMNS[series]} IS NOT NULL) p`,
                [runId, froms, tos],
              )
            : pool.query(
                `SELECT p."step", p.v FROM unnest($3::int[], $4::int[]) AS c(a, b)
                 CROSS JOIN LATERAL (SELECT "step", "value" AS v FROM "MetricPoint" WHERE "runId" = $1 AND "name" = $2 AND "step" BETWEEN c.a AND c.b) p`,
                [runId, series, froms, tos],
              );
      const [blockRows, rawRows] = await Promise.all([blocks, raw]);
      const parts: Part[] = [];
      for (const r of blockRows.rows) parts.push({ start: Number(r.start), step: r.step, min: r.min, max: r.max, sum: r.sum, count: r.count });
      for (const { step, v } of rawRows.rows) if (Number.isFinite(v)) parts.push({ start: step, step, min: v, max: v, sum: v, count: 1 });
      return parts;
    },
    async firstAtOrAfter(runId, column, starts, to) {
      if (starts.length === 0) return [];
      const ends = starts.map((s, i) => Math.min(to, i + 1 < starts.length ? starts[i + 1] - 1 : to));
      const c = COLUMNS[column];
      const { rows } = await pool.query(
        `SELECT p."step", p.v FROM unnest($2::int[], $3::int[]) AS r(a, b)
         CROSS JOIN LATERAL (SELECT "step", ${c} AS v FROM "Point" WHERE "runId" = $1 AND "step" BETWEEN r.a AND r.b AND ${c} IS NOT NULL ORDER BY "step" LIMIT 1) p ORDER BY 1`,
        [runId, starts, ends],
      );
      return rows.map((r) => ({ step: r.step, value: r.v, min: r.v, max: r.v }));
    },
    async pointsAfterBatch(runId, batch, limit, through = MAX_BATCH) {
      // A range of the primary key from the lowest step a later batch stored (PointBatch).
      const { rows } = await pool.query(
        `SELECT "step", "epoch", "lr", "loss", "time", "batch" FROM "Point"
         WHERE "runId" = $1 AND "step" >= (SELECT MIN("firstStep") FROM "PointBatch" WHERE "runId" = $1 AND "batch" > $2 AND "batch" <= $4) AND "batch" > $2 AND "batch" <= $4
         ORDER BY "step" LIMIT $3`,
        [runId, batch, limit, through],
      );
      return rows as StoredPoint[];
    },
    async lrPoints(runId) {
      const { rows } = await pool.query('SELECT "step", "epoch", "lr", "lrs", "loss", "time", "batch", "schedulerStep", "optimizers" FROM "Point" WHERE "runId" = $1 ORDER BY "step"', [runId]);
      return rows as LrPoint[];
    },
    async lrAtOrBefore(runId, step) {
      const { rows } = await pool.query('SELECT "lr" FROM "Point" WHERE "runId" = $1 AND "step" <= $2 AND "lr" IS NOT NULL ORDER BY "step" DESC LIMIT 1', [runId, step]);
      return rows[0]?.lr ?? undefined;
    },
  };
}
