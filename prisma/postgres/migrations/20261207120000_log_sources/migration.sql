-- CreateTable
CREATE TABLE "LogFolder" (
    "runId" INTEGER NOT NULL,
    "logdir" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "scheduleFrom" TEXT,
    "notes" JSONB,
    "describedAs" TEXT,

    CONSTRAINT "LogFolder_pkey" PRIMARY KEY ("runId")
);

-- CreateTable
CREATE TABLE "LogFile" (
    "runId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "offset" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "size" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "head" TEXT NOT NULL DEFAULT '',
    "state" JSONB,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "LogFile_pkey" PRIMARY KEY ("runId","path")
);

-- AddForeignKey
ALTER TABLE "LogFolder" ADD CONSTRAINT "LogFolder_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LogFile" ADD CONSTRAINT "LogFile_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
