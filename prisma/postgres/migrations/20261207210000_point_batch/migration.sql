-- CreateTable
CREATE TABLE "PointBatch" (
    "runId" INTEGER NOT NULL,
    "batch" INTEGER NOT NULL,
    "firstStep" INTEGER NOT NULL,

    CONSTRAINT "PointBatch_pkey" PRIMARY KEY ("runId","batch")
);

-- AddForeignKey
ALTER TABLE "PointBatch" ADD CONSTRAINT "PointBatch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill from points stored before this migration: a page that reconnects after the upgrade
-- resumes from a batch written before it.
INSERT INTO "PointBatch" ("runId", "batch", "firstStep")
SELECT "runId", "batch", MIN("step") FROM "Point" GROUP BY "runId", "batch";
