import { csvRow } from '@/lib/csv/csv-row';
import type { Db } from '../db/open-database';
import { expectedAt } from './expected-at';
import type { RunSummary } from './run-summary';

/** Points read per query: bounded memory however long the run. */
const PAGE = 5_000;

export const POINT_COLUMNS = ['step', 'epoch', 'time', 'lr', 'expected_lr', 'loss'] as const;

/**
 * Every point of a run as CSV lines, in step order, not downsampled: step, epoch, time (the
 * trainer's Unix seconds), lr, expected_lr (what the configured schedule says), loss, then one
 * column per logged metric. Read a page at a time, so a 1,000,000-point run streams in
 * constant memory.
 */
export async function* exportRunCsv(db: Db, run: RunSummary): AsyncGenerator<string> {
  const metrics = run.metricNames;
  const at = await expectedAt(db, run.id, run);
  yield csvRow([...POINT_COLUMNS, ...metrics]);
  const column = new Map(metrics.map((name, i) => [name, i]));
  let after = -1;
  for (;;) {
    const points = await db.prisma.point.findMany({
      where: { runId: run.id, step: { gt: after } },
      orderBy: { step: 'asc' },
      take: PAGE,
      select: { step: true, epoch: true, time: true, lr: true, loss: true },
    });
    if (points.length === 0) return;
    const first = points[0].step;
    after = points[points.length - 1].step;
    const values = new Map<number, (number | null)[]>();
    if (metrics.length > 0) {
      const rows = await db.prisma.metricPoint.findMany({ where: { runId: run.id, step: { gte: first, lte: after } }, select: { name: true, step: true, value: true } });
      for (const m of rows) {
        let row = values.get(m.step);
        if (!row) values.set(m.step, (row = new Array(metrics.length).fill(null)));
        const i = column.get(m.name);
        if (i !== undefined) row[i] = m.value;
      }
    }
    let chunk = '';
    for (const p of points) chunk += csvRow([p.step, p.epoch, p.time, p.lr, at ? at(p.step) : null, p.loss, ...(values.get(p.step) ?? metrics.map(() => null))]);
    yield chunk;
  }
}
