import type { Prisma } from '../db/open-database';
import { generateKey } from './api-key';

export interface ProjectKey {
  project: { id: number; name: string };
  /** The full key: shown once, never stored. */
  key: string;
  projectCreated: boolean;
}

/** Creates the project if it does not exist and a new API key for it. */
export async function createProjectKey(prisma: Prisma, projectName: string): Promise<ProjectKey> {
  const existing = await prisma.project.findUnique({ where: { name: projectName } });
  const project = existing ?? (await prisma.project.create({ data: { name: projectName } }));
  const k = generateKey();
  await prisma.apiKey.create({ data: { projectId: project.id, publicId: k.publicId, salt: k.salt, hash: k.hash } });
  return { project: { id: project.id, name: project.name }, key: k.key, projectCreated: !existing };
}
