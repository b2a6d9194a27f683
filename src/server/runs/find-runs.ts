import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { RUN_SUMMARY_SELECT, type RunStatus, type RunSummary, toRunSummary } from './run-summary';

export interface FindRunsInput {
  project?: string;
  status?: RunStatus;
  flagged?: boolean;
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

// Prisma's `contains` is SQL LIKE with the text as given: "_" and "%" in a search are wildcards
// ("_" would match every run), and SQLite has no default escape character to send them as
// literals. A search holding them is run as LIKE (a superset) and then kept to the runs that
// really contain it, reading on in chunks until the page is full.
const WILDCARD = /[%_]/;
const WILDCARD_CHUNK = 500;

function containsText(search: string) {
  const needle = search.toLowerCase();
  return (r: { name: string; tags: { tag: string }[] }) => r.name.toLowerCase().includes(needle) || r.tags.some((t) => t.tag.toLowerCase().includes(needle));
}

export async function findRuns(prisma: Prisma, input: FindRunsInput): Promise<RunsPage> {
  const limit = input.limit ?? 50;
  let after = input.cursor ? decodeCursor(input.cursor) : null;
  const search = input.search?.trim();
  const conditions: object[] = [];
  if (input.project !== undefined) conditions.push({ project: { name: input.project } });
  if (input.status !== undefined) conditions.push({ status: input.status });
  if (input.flagged !== undefined) conditions.push({ flagged: input.flagged });
  if (search) conditions.push({ OR: [{ name: { contains: search } }, { tags: { some: { tag: { contains: search } } } }] });
  const literal = search && WILDCARD.test(search) ? containsText(search) : null;
  const rows: Awaited<ReturnType<typeof readChunk>> = [];
  const readChunk = (take: number) =>
    prisma.run.findMany({
      where: { AND: after ? [...conditions, { OR: [{ lastSeenAt: { lt: after.at } }, { lastSeenAt: after.at, id: { lt: after.id } }] }] : conditions },
      orderBy: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
      take,
      select: { ...RUN_SUMMARY_SELECT, lastSeenAt: true },
    });
  for (;;) {
    const take = literal ? WILDCARD_CHUNK : limit + 1;
    const chunk = await readChunk(take);
    rows.push(...(literal ? chunk.filter(literal) : chunk));
    if (rows.length > limit || chunk.length < take) break;
    const end = chunk[chunk.length - 1];
    after = { at: end.lastSeenAt, id: end.id };
  }
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(toRunSummary),
    nextCursor: rows.length > limit && last ? `${last.lastSeenAt.getTime()}.${last.id}` : null,
  };
}
