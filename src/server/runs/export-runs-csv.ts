import { csvRow } from '@/lib/csv/csv-row';
import type { Prisma } from '../db/open-database';
import { type FindRunsInput, findRuns } from './find-runs';

const COLUMNS = ['id', 'name', 'project', 'status', 'tags', 'started_at', 'last_seen_at', 'finished_at', 'last_step', 'last_lr', 'expected_lr', 'last_loss', 'points', 'flagged', 'causes', 'archived_at'];

/** The runs table as CSV: every run the filters match (not only the page on screen), most recent first. */
export async function* exportRunsCsv(prisma: Prisma, filters: Omit<FindRunsInput, 'cursor' | 'limit'>): AsyncGenerator<string> {
  yield csvRow(COLUMNS);
  let cursor: string | undefined;
  do {
    const page = await findRuns(prisma, { ...filters, cursor, limit: 500 });
    let chunk = '';
    for (const r of page.runs) {
      chunk += csvRow([
        r.id,
        r.name,
        r.project,
        r.status,
        r.tags.join(' '),
        r.startedAt,
        r.lastSeenAt,
        r.finishedAt,
        r.lastStep,
        r.lastLr,
        r.expectedLr,
        r.lastLoss,
        r.pointCount,
        r.verdict.flagged,
        r.verdict.flagged ? r.verdict.causes.join(' ') : '',
        r.archivedAt,
      ]);
    }
    yield chunk;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
