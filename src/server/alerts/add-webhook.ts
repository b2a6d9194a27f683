import { randomBytes } from 'node:crypto';
import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import { findProjectId } from './find-project-id';
import { type WebhookView, webhookView } from './list-webhooks';
import type { ChangeScope } from './scope';

/** Every channel is tried for every alert; more than this is a misconfiguration, not a need. */
export const MAX_WEBHOOKS_PER_PROJECT = 20;

/**
 * Adds a channel. A secret the server generates is returned this once (the receiver needs it to
 * verify signatures); one the caller chose is never echoed back.
 */
export async function addWebhook(prisma: Prisma, project: string, url: string, secret?: string, scope: ChangeScope = null): Promise<WebhookView & { secret?: string }> {
  const projectId = await findProjectId(prisma, project, scope);
  const existing = await prisma.webhookChannel.findMany({ where: { projectId }, select: { url: true } });
  // The same URL twice would deliver every alert twice.
  if (existing.some((c) => c.url === url)) throw new AppError('CONFLICT', `url: project "${project}" already sends to this webhook`);
  if (existing.length >= MAX_WEBHOOKS_PER_PROJECT) throw new AppError('BAD_REQUEST', `url: a project may have at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks`);
  const generated = secret === undefined ? randomBytes(24).toString('base64url') : undefined;
  const row = await prisma.webhookChannel.create({ data: { projectId, url, secret: secret ?? generated! } });
  return { ...webhookView(row), ...(generated && { secret: generated }) };
}
