import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { RUN_SUMMARY_SELECT, type RunStatus, type RunSummary, toRunSummary } from './run-summary';

export interface FindRunsInput {
  project?: string;
  status?: RunStatus;
  flagged?: boolean;
  /** Archived runs are left out unless true (with them) or "only". */
  archived?: boolean | 'only';
  /** Matches a substring of the run's name or of one of its tags. */
  search?: string;
  /** Opaque, from a previous page's nextCursor. */
  cursor?: string;
  limit?: number;
}

export interface RunsPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

// Keyset paging on (lastSeenAt desc, id desc): a page costs the same on run 10 and run 10,000.
function decodeCursor(cursor: string): { at: Date; id: number } {
  const m = /^(\d+)\.(\d+)$/.exec(cursor);
  if (!m) throw new AppError('BAD_REQUEST', 'cursor: not a cursor this server returned');
  return { at: new Date(Number(m[1])), id: Number(m[2]) };
}

export async function findRuns(prisma: Prisma, input: FindRunsInput): Promise<RunsPage> {
  const limit = input.limit ?? 50;
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const search = input.search?.trim();
  const conditions: object[] = [{ deletedAt: null }];
  if (input.archived !== true) conditions.push({ archivedAt: input.archived === 'only' ? { not: null } : null });
  if (input.project !== undefined) conditions.push({ project: { name: input.project } });
  if (input.status !== undefined) conditions.push({ status: input.status });
  if (input.flagged !== undefined) conditions.push({ flagged: input.flagged });
  if (search) conditions.push({ OR: [{ name: { contains: search } }, { tags: { some: { tag: { contains: search } } } }] });
  if (after) conditions.push({ OR: [{ lastSeenAt: { lt: after.at } }, { lastSeenAt: after.at, id: { lt: after.id } }] });
  const rows = await prisma.run.findMany({
    where: { AND: conditions },
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: { ...RUN_SUMMARY_SELECT, lastSeenAt: true },
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(toRunSummary),
    nextCursor: rows.length > limit && last ? `${last.lastSeenAt.getTime()}.${last.id}` : null,
  };
}
