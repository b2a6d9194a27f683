-- CreateTable
CREATE TABLE "PointRollup" (
    "runId" INTEGER NOT NULL,
    "series" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "bucket" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "PointRollup_pkey" PRIMARY KEY ("runId","series","size","bucket")
);

-- AddForeignKey
ALTER TABLE "PointRollup" ADD CONSTRAINT "PointRollup_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from points stored before this migration (finite values only, as ingest does).

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 64, "step" / 64, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 64;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 64, "step" / 64, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 64;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 64, "step" / 64, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 64;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 256, "step" / 256, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 256;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 256, "step" / 256, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 256;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 256, "step" / 256, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 256;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 1024, "step" / 1024, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 1024;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 1024, "step" / 1024, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 1024;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 1024, "step" / 1024, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 1024;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 4096, "step" / 4096, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 4096;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 4096, "step" / 4096, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 4096;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 4096, "step" / 4096, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 4096;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 16384, "step" / 16384, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 16384;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 16384, "step" / 16384, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 16384;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 16384, "step" / 16384, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 16384;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 65536, "step" / 65536, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 65536;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 65536, "step" / 65536, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 65536;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 65536, "step" / 65536, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 65536;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'lr', 262144, "step" / 262144, MIN("step"), MIN("lr"), MAX("lr"), SUM("lr"), COUNT(*) FROM "Point"
WHERE "lr" IS NOT NULL AND "lr" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 262144;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", 'loss', 262144, "step" / 262144, MIN("step"), MIN("loss"), MAX("loss"), SUM("loss"), COUNT(*) FROM "Point"
WHERE "loss" IS NOT NULL AND "loss" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "step" / 262144;

INSERT INTO "PointRollup" ("runId", "series", "size", "bucket", "step", "min", "max", "sum", "count")
SELECT "runId", "name", 262144, "step" / 262144, MIN("step"), MIN("value"), MAX("value"), SUM("value"), COUNT(*) FROM "MetricPoint"
WHERE "value" IS NOT NULL AND "value" NOT IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8) GROUP BY "runId", "name", "step" / 262144;
