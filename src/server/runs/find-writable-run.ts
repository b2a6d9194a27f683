import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import type { Principal } from '../keys/authenticate';

/** Throws unless the run exists and belongs to the key's project. */
export function assertWritable<T extends { projectId: number }>(principal: Principal, runId: number, run: T | null | undefined): asserts run is T {
  if (!run) throw new AppError('NOT_FOUND', `runId: no run ${runId}`);
  if (run.projectId !== principal.projectId) {
    throw new AppError('FORBIDDEN', `runId: run ${runId} belongs to another project than this API key's ("${principal.projectName}")`);
  }
}

/** The run a write targets, after checking it exists and belongs to the key's project. */
export async function findWritableRun(prisma: Prisma, principal: Principal, runId: number) {
  const run = await prisma.run.findUnique({ where: { id: runId }, select: { id: true, projectId: true, status: true, pointCount: true, metricNames: true, optimizers: true } });
  assertWritable(principal, runId, run);
  return run;
}
