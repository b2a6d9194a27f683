import type { Prisma } from '../db/open-database';

/** Open (not yet acknowledged) alerts: the number on the nav badge. */
export async function countOpenAlerts(prisma: Prisma): Promise<{ open: number }> {
  return { open: await prisma.alert.count({ where: { state: 'open' } }) };
}
