import type { Prisma } from '../db/open-database';
import { parseKey, secretMatches } from './api-key';

export interface Principal {
  projectId: number;
  projectName: string;
  keyId: number;
}

/** Resolves `Authorization: Bearer <key>` to its project, or null for a missing, wrong or revoked key. */
export async function authenticate(prisma: Prisma, authorization: string | null | undefined): Promise<Principal | null> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const parsed = m ? parseKey(m[1]) : null;
  if (!parsed) return null;
  const row = await prisma.apiKey.findUnique({
    where: { publicId: parsed.publicId },
    select: { id: true, salt: true, hash: true, revokedAt: true, project: { select: { id: true, name: true } } },
  });
  if (!row || row.revokedAt || !secretMatches(parsed.secret, row.salt, row.hash)) return null;
  return { projectId: row.project.id, projectName: row.project.name, keyId: row.id };
}
