// The runs table's live feed: the summary of every run that changes (new points, verdict,
// status, created). The page filters and places them; ids come from the run-changes journal.
import type { Db } from '../db/open-database';
import { AppError } from '../errors';
import { getRun } from '../runs/get-run';
import type { RunSummary } from '../runs/run-summary';
import { runChanges } from './run-changes';
import { retryWhileUnavailable } from './retry-while-unavailable';
import { liveTurns } from './fair-turns';
import { sharedReads } from './shared-reads';
import { createWakeup } from './wakeup';

export type RunsFeedEvent =
  /** Connected: read (or keep) the page of runs; changes from here on follow. */
  | { kind: 'start' }
  /** The page may have missed changes (reconnected elsewhere or too late): read it again. */
  | { kind: 'resync' }
  | { kind: 'run'; run: RunSummary }
  /** The run was deleted: drop it from the page. */
  | { kind: 'removed'; runId: number };

export async function* runsFeed(db: Db, lastEventId: string | null | undefined, signal?: AbortSignal): AsyncGenerator<{ id: string; event: RunsFeedEvent }> {
  const journal = runChanges(db.live);
  const shared = sharedReads(db.live);
  const wake = createWakeup();
  const unsubscribe = journal.subscribe(() => wake.notify());
  const id = (seq: number) => `${journal.id}.${seq}`;
  try {
    let cursor = journal.seq();
    const m = lastEventId ? /^([0-9a-f]+)\.(\d+)$/.exec(lastEventId) : null;
    const resumable = m && m[1] === journal.id ? journal.since(Number(m[2])) : null;
    if (resumable) cursor = Number(m![2]);
    else yield { id: id(cursor), event: lastEventId ? { kind: 'resync' } : { kind: 'start' } };
    while (!signal?.aborted) {
      const changes = journal.since(cursor);
      if (changes === null) {
        // Fell more than the journal's length behind (a slow page): re-read instead.
        cursor = journal.seq();
        yield { id: id(cursor), event: { kind: 'resync' } };
      } else {
        for (const c of changes) {
          cursor = c.seq;
          try {
            // Waits out a database outage rather than ending the page's stream.
            yield { id: id(c.seq), event: { kind: 'run', run: await retryWhileUnavailable(() => shared.read(c.runId, 'summary', () => getRun(db.prisma, c.runId)), { signal }) } };
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            yield { id: id(c.seq), event: { kind: 'removed', runId: c.runId } };
          }
        }
      }
      if (journal.seq() === cursor) await wake.wait(signal);
      await liveTurns.take();
    }
  } finally {
    unsubscribe();
  }
}
