-- Living with many runs: notes, archive, delete in chunks, per-project retention.
-- AlterTable
ALTER TABLE "Project" ADD COLUMN "retentionDays" INTEGER,
ADD COLUMN "retentionAction" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN "notes" TEXT,
ADD COLUMN "archivedAt" TIMESTAMP(3),
ADD COLUMN "deletedAt" TIMESTAMP(3);
