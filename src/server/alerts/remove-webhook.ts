import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';

/** Removes a channel; deliveries already queued to it still go out (they carry their URL). */
export async function removeWebhook(prisma: Prisma, id: number): Promise<void> {
  const { count } = await prisma.webhookChannel.deleteMany({ where: { id } });
  if (count === 0) throw new AppError('NOT_FOUND', `id: no webhook ${id}`);
}
