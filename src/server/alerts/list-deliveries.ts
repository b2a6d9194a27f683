import { redactWebhookUrl } from '@/lib/alerts/redact-webhook-url';
import type { Prisma } from '../db/open-database';
import { findProjectId } from './find-project-id';

export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'failed';

export interface DeliveryView {
  id: number;
  alertId: number | null;
  /** raised | resolved | test */
  event: string;
  /** A channel of the project, the LRSCOPE_WEBHOOK_URL default, or a channel removed since. */
  channel: 'project' | 'default' | 'removed';
  url: string;
  state: DeliveryState;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  /** When a pending delivery is tried next. */
  nextAttemptAt: string | null;
}

/** A project's latest webhook deliveries (or the given ones), newest first. `defaultUrl` is LRSCOPE_WEBHOOK_URL. */
export async function listDeliveries(prisma: Prisma, input: { project: string; ids?: number[]; limit?: number }, defaultUrl?: string): Promise<DeliveryView[]> {
  const projectId = await findProjectId(prisma, input.project);
  const rows = await prisma.alertDelivery.findMany({
    where: { projectId, ...(input.ids && { id: { in: input.ids } }) },
    orderBy: { id: 'desc' },
    take: input.limit ?? 20,
    select: { id: true, alertId: true, channelId: true, url: true, event: true, state: true, attempts: true, lastStatus: true, lastError: true, createdAt: true, deliveredAt: true, nextAttemptAt: true },
  });
  return rows.map((d) => ({
    id: d.id,
    alertId: d.alertId,
    event: d.event,
    // Removing a channel nulls channelId on its deliveries, so the URL tells the two apart.
    channel: d.channelId !== null ? 'project' : d.url === defaultUrl ? 'default' : 'removed',
    url: redactWebhookUrl(d.url),
    state: d.state as DeliveryState,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
  }));
}
