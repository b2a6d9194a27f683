import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { RUN_SUMMARY_SELECT, type RunSummary, toRunSummary } from './run-summary';

export async function getRun(prisma: Prisma, id: number): Promise<RunSummary> {
  const row = await prisma.run.findUnique({ where: { id }, select: { ...RUN_SUMMARY_SELECT, deletedAt: true } });
  if (!row || row.deletedAt) throw new AppError('NOT_FOUND', `id: no run ${id}`);
  return toRunSummary(row);
}
