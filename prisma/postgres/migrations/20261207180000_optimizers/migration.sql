-- Several optimizers in one run: each optimizer's schedule on the run, each one's LR on the point.
-- AlterTable
ALTER TABLE "Run" ADD COLUMN "optimizers" JSONB;

-- AlterTable
ALTER TABLE "Point" ADD COLUMN "optimizers" JSONB;
