// What server-rendered pages read before they render: a run's name for the title, a real 404 for
// a run that does not exist, and the first view's data (the same reads the browser would make
// after loading, done in-process so the page arrives with its content). Next runs in this
// process but bundles pages apart from the server's modules, so start() registers the reader on
// globalThis (page-reads.ts builds it) and pages look it up there.

export interface PageData {
  /** The run's name, or null when there is no such run. */
  runName(id: number): Promise<string | null>;
  /**
   * A read procedure's result as the API would send it (plain JSON), for the dashboard's own
   * session: pages are served only once dashboard-auth admitted the request. Rejects for anything
   * but a read, and with the procedure's own error (bad input, no such run).
   */
  read(path: string, input: unknown): Promise<unknown>;
}

const KEY = Symbol.for('lrscope.pageData');

export function providePageData(data: PageData): void {
  (globalThis as Record<symbol, unknown>)[KEY] = data;
}

/** Null while building the pages, or in a server that serves none. */
export function pageData(): PageData | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as PageData | undefined) ?? null;
}
