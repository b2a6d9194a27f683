import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { keyHint } from './api-key';

export interface KeyView {
  publicId: string;
  hint: string;
  project: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function listKeys(prisma: Prisma, project?: string): Promise<KeyView[]> {
  const rows = await prisma.apiKey.findMany({
    where: project ? { project: { name: project } } : {},
    orderBy: { id: 'asc' },
    select: { publicId: true, createdAt: true, revokedAt: true, project: { select: { name: true } } },
  });
  return rows.map((r) => ({ publicId: r.publicId, hint: keyHint(r.publicId), project: r.project.name, createdAt: r.createdAt.toISOString(), revokedAt: r.revokedAt?.toISOString() ?? null }));
}

/** Revokes a key by its public id (the part after `lrs_`), or by the whole key. */
export async function revokeKey(prisma: Prisma, idOrKey: string, now = new Date()): Promise<KeyView> {
  const publicId = /^lrs_([0-9a-f]{12})(_|$)/.exec(idOrKey)?.[1] ?? idOrKey;
  const row = await prisma.apiKey.findUnique({ where: { publicId } });
  if (!row) throw new AppError('NOT_FOUND', `no API key with id ${publicId}`);
  if (!row.revokedAt) await prisma.apiKey.update({ where: { publicId }, data: { revokedAt: now } });
  return (await listKeys(prisma)).find((k) => k.publicId === publicId)!;
}
