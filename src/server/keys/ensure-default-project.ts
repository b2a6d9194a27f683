import type { Prisma } from '../db/open-database';
import { createProjectKey, type ProjectKey } from './create-project-key';

export const DEFAULT_PROJECT = 'default';

/** On the very first start (no project at all) creates "default" and returns its key to print. */
export async function ensureDefaultProject(prisma: Prisma): Promise<ProjectKey | null> {
  if ((await prisma.project.count()) > 0) return null;
  try {
    const created = await createProjectKey(prisma, DEFAULT_PROJECT);
    return created.projectCreated ? created : null;
  } catch (err) {
    // Another instance starting at the same moment created it first.
    if ((err as { code?: string }).code === 'P2002') return null;
    throw err;
  }
}
