import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import type { ChangeScope } from '../alerts/scope';

export type RetentionAction = 'archive' | 'delete';

/** Finished (or crashed) runs older than `days` are archived or deleted by the sweep. */
export interface RetentionPolicy {
  days: number;
  action: RetentionAction;
}

export function policyOf(row: { retentionDays: number | null; retentionAction: string | null }): RetentionPolicy | null {
  return row.retentionDays === null ? null : { days: row.retentionDays, action: row.retentionAction === 'delete' ? 'delete' : 'archive' };
}

/** Sets (or, with null, removes) a project's retention policy. */
export async function setRetention(prisma: Prisma, scope: ChangeScope, project: string, policy: RetentionPolicy | null): Promise<RetentionPolicy | null> {
  const row = await prisma.project.findUnique({ where: { name: project }, select: { id: true } });
  if (!row) throw new AppError('NOT_FOUND', `project: no project "${project}"`);
  if (scope && scope.projectId !== row.id) throw new AppError('FORBIDDEN', `project: this API key belongs to project "${scope.projectName}" and cannot change another project`);
  const saved = await prisma.project.update({
    where: { id: row.id },
    data: { retentionDays: policy?.days ?? null, retentionAction: policy?.action ?? null },
    select: { retentionDays: true, retentionAction: true },
  });
  return policyOf(saved);
}
