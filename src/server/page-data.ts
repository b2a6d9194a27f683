// What server-rendered pages read before they render (a run's name for the title, a real 404 for
// a run that does not exist). Next runs in this process but bundles pages apart from the server's
// modules, so start() registers the reader on globalThis and pages look it up there.
import type { Prisma } from './db/open-database';

export interface PageData {
  /** The run's name, or null when there is no such run. */
  runName(id: number): Promise<string | null>;
}

const KEY = Symbol.for('lrscope.pageData');

export function pageDataFor(prisma: Prisma): PageData {
  return {
    runName: async (id) => (await prisma.run.findUnique({ where: { id }, select: { name: true } }))?.name ?? null,
  };
}

export function providePageData(data: PageData): void {
  (globalThis as Record<symbol, unknown>)[KEY] = data;
}

/** Null while building the pages, or in a server that serves none. */
export function pageData(): PageData | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as PageData | undefined) ?? null;
}
