import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { type ChangeScope, checkScope } from './scope';

/** The project's id; with a scope, refused unless the project is the scope's own. */
export async function findProjectId(prisma: Prisma, name: string, scope: ChangeScope = null): Promise<number> {
  const p = await prisma.project.findUnique({ where: { name }, select: { id: true } });
  if (!p) throw new AppError('NOT_FOUND', `project: no project "${name}"`);
  checkScope(scope, p.id, 'project');
  return p.id;
}
