import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { RUN_SUMMARY_SELECT, type RunStatus, type RunSummary, toRunSummary } from './run-summary';

export const RUN_SORTS = ['lastSeen', 'started', 'name', 'status', 'lastStep', 'lr', 'verdict'] as const;
export type RunSort = (typeof RUN_SORTS)[number];
export type SortDir = 'asc' | 'desc';

export interface FindRunsInput {
  /** Matches a substring of the project's name. */
  project?: string;
  /** Only this project's runs, whatever `project` says (an API key sees its own project only). */
  projectId?: number;
  status?: RunStatus;
  flagged?: boolean;
  /** Archived runs are left out unless true (with them) or "only". */
  archived?: boolean | 'only';
  /** Matches a substring of the run's name or of one of its tags. */
  search?: string;
  /** Default lastSeen. verdict desc puts flagged runs first. */
  sort?: RunSort;
  /** Default desc. */
  dir?: SortDir;
  /** Opaque, from a previous page's nextCursor (same filters and sort). */
  cursor?: string;
  limit?: number;
}

export interface RunsPage {
  runs: RunSummary[];
  nextCursor: string | null;
}

type Field = 'lastSeenAt' | 'startedAt' | 'name' | 'status' | 'lastStep' | 'lastLr' | 'flagged' | 'id';
interface Column {
  field: Field;
  dir: SortDir;
  /** Nulls sort last in either direction. */
  nullable?: boolean;
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

// The sort over all runs, as columns ending with a unique one so keyset paging has a total order.
function columns(sort: RunSort, dir: SortDir): Column[] {
  const latestFirst: Column[] = [
    { field: 'lastSeenAt', dir: 'desc' },
    { field: 'id', dir: 'desc' },
  ];
  switch (sort) {
    case 'lastSeen':
      return [
        { field: 'lastSeenAt', dir },
        { field: 'id', dir },
      ];
    case 'started':
      return [
        { field: 'startedAt', dir },
        { field: 'id', dir },
      ];
    case 'name':
      return [{ field: 'name', dir }, { field: 'id', dir }];
    case 'status':
      return [{ field: 'status', dir }, ...latestFirst];
    case 'lastStep':
      return [{ field: 'lastStep', dir, nullable: true }, ...latestFirst];
    case 'lr':
      return [{ field: 'lastLr', dir, nullable: true }, ...latestFirst];
    case 'verdict':
      return [{ field: 'flagged', dir }, ...latestFirst];
  }
}

type Value = string | number | boolean | null;
const toWire = (v: unknown): Value => (v instanceof Date ? v.getTime() : (v as Value));
const fromWire = (field: Field, v: Value): unknown => (field === 'lastSeenAt' || field === 'startedAt') && typeof v === 'number' ? new Date(v) : v;

// Cursors are the last row's sort values, tagged with the sort they belong to.
function encodeCursor(sort: RunSort, dir: SortDir, values: Value[]): string {
  return Buffer.from(JSON.stringify([sort, dir, ...values])).toString('base64url');
}

function decodeCursor(cursor: string, sort: RunSort, dir: SortDir, cols: Column[]): Value[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const bad = () => new AppError('BAD_REQUEST', 'cursor: not a cursor this server returned');
  if (!Array.isArray(parsed) || !RUN_SORTS.includes(parsed[0]) || (parsed[1] !== 'asc' && parsed[1] !== 'desc')) throw bad();
  if (parsed[0] !== sort || parsed[1] !== dir) throw new AppError('BAD_REQUEST', `cursor: belongs to another sort order (${parsed[0]} ${parsed[1]}); start again without it`);
  if (parsed.length !== cols.length + 2 || parsed.slice(2).some((v) => v !== null && !['string', 'number', 'boolean'].includes(typeof v))) throw bad();
  return parsed.slice(2) as Value[];
}

/** Rows strictly after value v in column c's order (nulls last). */
function after(c: Column, v: Value): object | null {
  if (v === null) return null; // nothing follows the nulls but other nulls
  if (c.field === 'flagged') return (c.dir === 'desc') === (v === true) ? { flagged: !v } : null;
  const strict = { [c.field]: { [c.dir === 'desc' ? 'lt' : 'gt']: fromWire(c.field, v) } };
  return c.nullable ? { OR: [strict, { [c.field]: null }] } : strict;
}

function keyset(cols: Column[], values: Value[]): object {
  const branches: object[] = [];
  for (let i = 0; i < cols.length; i++) {
    const tail = after(cols[i], values[i]);
    if (!tail) continue;
    const equal = cols.slice(0, i).map((c, j) => ({ [c.field]: fromWire(c.field, values[j]) }));
    branches.push({ AND: [...equal, tail] });
  }
  return { OR: branches };
}

// Keyset paging: a page costs the same on run 10 and run 10,000, and rows that change between
// pages are neither repeated nor skipped by the paging itself.
export async function findRuns(prisma: Prisma, input: FindRunsInput): Promise<RunsPage> {
  const limit = input.limit ?? 50;
  const sort = input.sort ?? 'lastSeen';
  const dir = input.dir ?? 'desc';
  const cols = columns(sort, dir);
  const search = input.search?.trim();
  const project = input.project?.trim();
  const conditions: object[] = [{ deletedAt: null }];
  if (input.archived !== true) conditions.push({ archivedAt: input.archived === 'only' ? { not: null } : null });
  if (project) conditions.push({ project: { name: { contains: project } } });
  if (input.projectId !== undefined) conditions.push({ projectId: input.projectId });
  if (input.status !== undefined) conditions.push({ status: input.status });
  if (input.flagged !== undefined) conditions.push({ flagged: input.flagged });
  if (search) conditions.push({ OR: [{ name: { contains: search } }, { tags: { some: { tag: { contains: search } } } }] });
  const literal = search && WILDCARD.test(search) ? containsText(search) : null;
  let from = input.cursor ? decodeCursor(input.cursor, sort, dir, cols) : null;
  const readChunk = (take: number) =>
    prisma.run.findMany({
      where: { AND: from ? [...conditions, keyset(cols, from)] : conditions },
      orderBy: cols.map((c) => ({ [c.field]: c.nullable ? { sort: c.dir, nulls: 'last' } : c.dir })),
      take,
      select: { ...RUN_SUMMARY_SELECT, flagged: true },
    });
  const rows: Awaited<ReturnType<typeof readChunk>> = [];
  for (;;) {
    const take = literal ? WILDCARD_CHUNK : limit + 1;
    const chunk = await readChunk(take);
    rows.push(...(literal ? chunk.filter(literal) : chunk));
    if (rows.length > limit || chunk.length < take) break;
    const end = chunk[chunk.length - 1] as Record<string, unknown>;
    from = cols.map((c) => toWire(end[c.field]));
  }
  const page = rows.slice(0, limit);
  const last = page[page.length - 1] as Record<string, unknown> | undefined;
  return {
    runs: page.map(toRunSummary),
    nextCursor: rows.length > limit && last ? encodeCursor(sort, dir, cols.map((c) => toWire(last[c.field]))) : null,
  };
}
