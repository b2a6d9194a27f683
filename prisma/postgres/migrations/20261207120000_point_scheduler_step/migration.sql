-- The scheduler's own counter (last_epoch) when the LR was read; null when the client cannot see it.
ALTER TABLE "Point" ADD COLUMN "schedulerStep" INTEGER;
