import type { Prisma } from '../db/open-database';
import { policyOf, type RetentionPolicy } from './retention';

export interface ProjectSummary {
  name: string;
  /** Runs in the runs table (archived runs not counted). */
  runs: number;
  openAlerts: number;
  retention: RetentionPolicy | null;
}

/** Every project with what the switcher shows and its settings. */
export async function listProjects(prisma: Prisma): Promise<ProjectSummary[]> {
  const rows = await prisma.project.findMany({
    orderBy: { name: 'asc' },
    select: {
      name: true,
      retentionDays: true,
      retentionAction: true,
      _count: { select: { alerts: { where: { state: 'open' } }, runs: { where: { archivedAt: null, deletedAt: null } } } },
    },
  });
  return rows.map((p) => ({ name: p.name, runs: p._count.runs, openAlerts: p._count.alerts, retention: policyOf(p) }));
}
