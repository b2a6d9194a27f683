// Where a run's points come from, for the run page's source panel: the log folder and each file
// read (bytes read, size, last read, records that could not be read and why). Null for a run
// that is not read from a log directory.
import type { Prisma } from '../db/open-database';

export interface RunSource {
  logdir: string;
  path: string;
  scheduleFrom: string | null;
  notes: string[];
  files: { path: string; kind: string; bytesRead: number; size: number; errors: number; lastError: string | null; readAt: string | null }[];
}

export async function getRunSource(prisma: Prisma, runId: number): Promise<RunSource | null> {
  const folder = await prisma.logFolder.findUnique({ where: { runId } });
  if (!folder) return null;
  const files = await prisma.logFile.findMany({ where: { runId }, orderBy: { path: 'asc' } });
  return {
    logdir: folder.logdir,
    path: folder.path,
    scheduleFrom: folder.scheduleFrom,
    notes: Array.isArray(folder.notes) ? (folder.notes as string[]) : [],
    files: files.map((f) => ({ path: f.path, kind: f.kind, bytesRead: f.offset, size: f.size, errors: f.errors, lastError: f.lastError, readAt: f.readAt?.toISOString() ?? null })),
  };
}
