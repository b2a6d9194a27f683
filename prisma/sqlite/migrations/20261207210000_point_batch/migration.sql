-- CreateTable
-- WITHOUT ROWID (hand-added, as for "Point"): one run's batches are one contiguous range.
CREATE TABLE "PointBatch" (
    "runId" INTEGER NOT NULL,
    "batch" INTEGER NOT NULL,
    "firstStep" INTEGER NOT NULL,

    PRIMARY KEY ("runId", "batch"),
    CONSTRAINT "PointBatch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
) WITHOUT ROWID;

-- Backfill from points stored before this migration: a page that reconnects after the upgrade
-- resumes from a batch written before it.
INSERT INTO "PointBatch" ("runId", "batch", "firstStep")
SELECT "runId", "batch", MIN("step") FROM "Point" GROUP BY "runId", "batch";
