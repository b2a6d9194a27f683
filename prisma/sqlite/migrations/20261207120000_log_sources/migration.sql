-- CreateTable
CREATE TABLE "LogFolder" (
    "runId" INTEGER NOT NULL PRIMARY KEY,
    "logdir" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "scheduleFrom" TEXT,
    "notes" JSONB,
    "describedAs" TEXT,
    CONSTRAINT "LogFolder_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LogFile" (
    "runId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "offset" REAL NOT NULL DEFAULT 0,
    "size" REAL NOT NULL DEFAULT 0,
    "head" TEXT NOT NULL DEFAULT '',
    "state" JSONB,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "readAt" DATETIME,

    PRIMARY KEY ("runId", "path"),
    CONSTRAINT "LogFile_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
