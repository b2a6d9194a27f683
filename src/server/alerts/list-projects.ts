import type { Prisma } from '../db/open-database';

/** The projects whose alert rules and channels can be set, with their open alerts. */
export async function listProjects(prisma: Prisma): Promise<{ name: string; openAlerts: number }[]> {
  const rows = await prisma.project.findMany({ orderBy: { name: 'asc' }, select: { name: true, _count: { select: { alerts: { where: { state: 'open' } } } } } });
  return rows.map((p) => ({ name: p.name, openAlerts: p._count.alerts }));
}
