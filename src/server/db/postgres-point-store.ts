import type pg from 'pg';
import type { LogResult, PointColumn, PointInput, PointStore, SeriesBucket, StepRange, StoredPoint } from './point-store';
import { type Part, rollupRows } from './rollup';

const COLUMNS: Record<PointColumn, string> = { lr: '"lr"', loss: '"loss"', epoch: '"epoch"', time: '"time"' };

// Rows per INSERT statement: 8 parameters each, well under PostgreSQL's 65,535-parameter cap.
const CHUNK = 1000;

export function createPostgresPointStore(pool: pg.Pool): PointStore {
  const bucketed = async (sql: string, args: unknown[]) =>
    (await pool.query(sql, args)).rows.map((r) => ({ step: Number(r.step), value: Number(r.value), min: Number(r.min), max: Number(r.max) })) as SeriesBucket[];

  return {
    async logPoints(runId, points, now): Promise<LogResult> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Locks the run row: concurrent batches of one run serialise here and get distinct batch numbers.
        const { rows } = await client.query(
          'UPDATE "Run" SET "batchSeq" = "batchSeq" + 1 WHERE "id" = $1 RETURNING "batchSeq", "lastStep", "lastLr", "lastLoss", "metricNames"',
          [runId],
        );
        if (rows.length === 0) throw new Error(`run ${runId} vanished during ingest`);
        const run = rows[0] as { batchSeq: number; lastStep: number | null; lastLr: number | null; lastLoss: number | null; metricNames: string[] | null };
        const batch = run.batchSeq;
        const insertedSteps = new Set<number>();
        for (let i = 0; i < points.length; i += CHUNK) {
          const chunk = points.slice(i, i + CHUNK);
          const values: unknown[] = [];
          const tuples = chunk.map((p, j) => {
            values.push(runId, p.step, p.epoch ?? null, p.lr ?? null, p.lrs ? JSON.stringify(p.lrs) : null, p.loss ?? null, p.time ?? null, batch);
            const b = j * 8;
            return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5}::jsonb,$${b + 6},$${b + 7},$${b + 8})`;
          });
          const res = await client.query(
            `INSERT INTO "Point" ("runId","step","epoch","lr","lrs","loss","time","batch") VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING RETURNING "step"`,
            values,
          );
          for (const r of res.rows) insertedSteps.add(Number(r.step));
        }
        const names = new Set<string>(run.metricNames ?? []);
        const namesBefore = names.size;
        const metricRows: unknown[][] = [];
        let top: PointInput | undefined;
        const kept: PointInput[] = [];
        for (const p of points) {
          if (!insertedSteps.has(p.step)) continue;
          kept.push(p);
          if (!top || p.step > top.step) top = p;
          for (const name in p.metrics ?? {}) {
            metricRows.push([runId, name, p.step, p.metrics![name]]);
            names.add(name);
          }
        }
        for (let i = 0; i < metricRows.length; i += CHUNK) {
          const chunk = metricRows.slice(i, i + CHUNK);
          const values = chunk.flat();
          const tuples = chunk.map((_, j) => `($${j * 4 + 1},$${j * 4 + 2},$${j * 4 + 3},$${j * 4 + 4})`);
          await client.query(`INSERT INTO "MetricPoint" ("runId","name","step","value") VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`, values);
        }
        const rollups = rollupRows(kept);
        for (let i = 0; i < rollups.length; i += CHUNK) {
          const chunk = rollups.slice(i, i + CHUNK);
          const values: unknown[] = [];
          const tuples = chunk.map((r, j) => {
            values.push(runId, r.series, r.size, r.bucket, r.step, r.min, r.max, r.sum, r.count);
            const b = j * 9;
            return `($${b + 1}::int,$${b + 2}::text,$${b + 3}::int,$${b + 4}::int,$${b + 5}::int,$${b + 6}::float8,$${b + 7}::float8,$${b + 8}::float8,$${b + 9}::int)`;
          });
          // One statement may not touch a row twice (out-of-order points can fold one block into
          // several rows), so duplicates are merged by a GROUP BY before the upsert.
          await client.query(
            `INSERT INTO "PointRollup" ("runId","series","size","bucket","step","min","max","sum","count")
             SELECT r, s, z, b, MIN(st), MIN(mn), MAX(mx), SUM(sm), SUM(c) FROM (VALUES ${tuples.join(',')}) AS v(r, s, z, b, st, mn, mx, sm, c) GROUP BY r, s, z, b
             ON CONFLICT ("runId","series","size","bucket") DO UPDATE SET "step" = LEAST("PointRollup"."step", excluded."step"),
               "min" = LEAST("PointRollup"."min", excluded."min"), "max" = GREATEST("PointRollup"."max", excluded."max"),
               "sum" = "PointRollup"."sum" + excluded."sum", "count" = "PointRollup"."count" + excluded."count"`,
            values,
          );
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
        await client.query('COMMIT');
        return { accepted: insertedSteps.size, duplicates: points.length - insertedSteps.size, batch };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async series(runId, column: PointColumn, range: StepRange, width: number) {
      const c = COLUMNS[column];
      return bucketed(
        `SELECT MIN("step") AS step, AVG(${c}) AS value, MIN(${c}) AS min, MAX(${c}) AS max FROM "Point"
         WHERE "runId" = $1 AND "step" BETWEEN $2 AND $3 AND ${c} IS NOT NULL GROUP BY ("step" - $2) / $4 ORDER BY 1`,
        [runId, range.from, range.to, width],
      );
    },
    async metricSeries(runId, name, range, width) {
      return bucketed(
        `SELECT MIN("step") AS step, AVG("value") AS value, MIN("value") AS min, MAX("value") AS max FROM "MetricPoint"
         WHERE "runId" = $1 AND "name" = $2 AND "step" BETWEEN $3 AND $4 GROUP BY ("step" - $3) / $5 ORDER BY 1`,
        [runId, name, range.from, range.to, width],
      );
    },
    async rollupParts(runId, series, cover) {
      const parts: Part[] = [];
      for (const b of cover.blocks) {
        const { rows } = await pool.query(
          'SELECT "size" * "bucket" AS start, "step", "min", "max", "sum", "count" FROM "PointRollup" WHERE "runId" = $1 AND "series" = $2 AND "size" = $3 AND "bucket" BETWEEN $4 AND $5',
          [runId, series, b.size, b.lo, b.hi],
        );
        for (const r of rows) parts.push({ start: Number(r.start), step: r.step, min: r.min, max: r.max, sum: r.sum, count: r.count });
      }
      for (const r of cover.raw) {
        const { rows } =
          series === 'lr' || series === 'loss'
            ? await pool.query(`SELECT "step", ${COLUMNS[series]} AS v FROM "Point" WHERE "runId" = $1 AND "step" BETWEEN $2 AND $3 AND ${COLUMNS[series]} IS NOT NULL`, [runId, r.from, r.to])
            : await pool.query('SELECT "step", "value" AS v FROM "MetricPoint" WHERE "runId" = $1 AND "name" = $2 AND "step" BETWEEN $3 AND $4', [runId, series, r.from, r.to]);
        for (const { step, v } of rows) if (Number.isFinite(v)) parts.push({ start: step, step, min: v, max: v, sum: v, count: 1 });
      }
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
    async pointsAfterBatch(runId, batch, limit) {
      const { rows } = await pool.query('SELECT "step", "epoch", "lr", "loss", "time", "batch" FROM "Point" WHERE "runId" = $1 AND "batch" > $2 ORDER BY "step" LIMIT $3', [runId, batch, limit]);
      return rows as StoredPoint[];
    },
    async lrPoints(runId) {
      const { rows } = await pool.query('SELECT "step", "epoch", "lr", "loss", "time", "batch" FROM "Point" WHERE "runId" = $1 ORDER BY "step"', [runId]);
      return rows as StoredPoint[];
    },
  };
}
