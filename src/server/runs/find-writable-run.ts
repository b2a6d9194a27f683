import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import type { ChangeScope } from '../alerts/scope';

/** Throws unless the run exists (and is not being deleted) and belongs to the scope's project (any project for the dashboard's null scope). */
export function assertWritable<T extends { projectId: number }>(scope: ChangeScope, runId: number, run: T | null | undefined): asserts run is T {
  if (!run || ('deletedAt' in run && run.deletedAt)) throw new AppError('NOT_FOUND', `runId: no run ${runId}`);
  if (scope && run.projectId !== scope.projectId) {
    throw new AppError('FORBIDDEN', `runId: run ${runId} belongs to another project than this API key's ("${scope.projectName}")`);
  }
}

/** The run a write targets, after checking it exists and belongs to the key's project. */
export async function findWritableRun(prisma: Prisma, scope: ChangeScope, runId: number) {
  const run = await prisma.run.findUnique({
    where: { id: runId },
    select: { id: true, name: true, projectId: true, status: true, pointCount: true, metricNames: true, optimizers: true, archivedAt: true, deletedAt: true },
  });
  assertWritable(scope, runId, run);
  return run;
}
