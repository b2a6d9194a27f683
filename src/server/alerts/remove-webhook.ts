import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { type ChangeScope, checkScope } from './scope';

/** Removes a channel; deliveries already queued to it still go out (they carry their URL). */
export async function removeWebhook(prisma: Prisma, id: number, scope: ChangeScope = null): Promise<void> {
  const channel = await prisma.webhookChannel.findUnique({ where: { id }, select: { projectId: true } });
  if (!channel) throw new AppError('NOT_FOUND', `id: no webhook ${id}`);
  checkScope(scope, channel.projectId, 'id');
  const { count } = await prisma.webhookChannel.deleteMany({ where: { id } });
  if (count === 0) throw new AppError('NOT_FOUND', `id: no webhook ${id}`);
}
