import { redactWebhookUrl } from '@/lib/alerts/redact-webhook-url';
import type { Prisma } from '../db/open-database';
import { findProjectId } from './find-project-id';
import { secretHint } from './sign';

/** A channel as pages and API replies see it: URL shortened, secret as a hint. */
export interface WebhookView {
  id: number;
  url: string;
  secretHint: string;
  enabled: boolean;
  createdAt: string;
}

export function webhookView(r: { id: number; url: string; secret: string; enabled: boolean; createdAt: Date }): WebhookView {
  return { id: r.id, url: redactWebhookUrl(r.url), secretHint: secretHint(r.secret), enabled: r.enabled, createdAt: r.createdAt.toISOString() };
}

export async function listWebhooks(prisma: Prisma, project: string): Promise<WebhookView[]> {
  const projectId = await findProjectId(prisma, project);
  const rows = await prisma.webhookChannel.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
  return rows.map(webhookView);
}
