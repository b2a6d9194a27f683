-- Living with many runs: notes, archive, delete in chunks, per-project retention.
-- AlterTable
ALTER TABLE "Project" ADD COLUMN "retentionDays" INTEGER;
ALTER TABLE "Project" ADD COLUMN "retentionAction" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "notes" TEXT;
ALTER TABLE "Run" ADD COLUMN "archivedAt" DATETIME;
ALTER TABLE "Run" ADD COLUMN "deletedAt" DATETIME;
