import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';

export async function findProjectId(prisma: Prisma, name: string): Promise<number> {
  const p = await prisma.project.findUnique({ where: { name }, select: { id: true } });
  if (!p) throw new AppError('NOT_FOUND', `project: no project "${name}"`);
  return p.id;
}
