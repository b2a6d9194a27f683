// Per-project webhook channels. Secrets sign bodies and are never shown back in full.
import { randomBytes } from 'node:crypto';
import type { Prisma } from '../db/open-database';
import { AppError } from '../errors';
import type { AlertDeps } from './deps';
import { enqueueNotifications } from './enqueue-notifications';
import { secretHint } from './sign';

export interface WebhookView {
  id: number;
  url: string;
  secretHint: string;
  enabled: boolean;
  createdAt: string;
}

export async function projectIdByName(prisma: Prisma, name: string): Promise<number> {
  const p = await prisma.project.findUnique({ where: { name }, select: { id: true } });
  if (!p) throw new AppError('NOT_FOUND', `project: no project "${name}"`);
  return p.id;
}

export async function listWebhooks(prisma: Prisma, project: string): Promise<WebhookView[]> {
  const projectId = await projectIdByName(prisma, project);
  const rows = await prisma.webhookChannel.findMany({ where: { projectId }, orderBy: { id: 'asc' } });
  return rows.map((r) => ({ id: r.id, url: r.url, secretHint: secretHint(r.secret), enabled: r.enabled, createdAt: r.createdAt.toISOString() }));
}

/** Adds a channel; the secret (generated when not given) is returned this once. */
export async function addWebhook(prisma: Prisma, project: string, url: string, secret?: string): Promise<WebhookView & { secret: string }> {
  const projectId = await projectIdByName(prisma, project);
  const s = secret ?? randomBytes(24).toString('base64url');
  const row = await prisma.webhookChannel.create({ data: { projectId, url, secret: s } });
  return { id: row.id, url: row.url, secretHint: secretHint(s), enabled: row.enabled, createdAt: row.createdAt.toISOString(), secret: s };
}

export async function removeWebhook(prisma: Prisma, id: number): Promise<void> {
  const { count } = await prisma.webhookChannel.deleteMany({ where: { id } });
  if (count === 0) throw new AppError('NOT_FOUND', `id: no webhook ${id}`);
}

/** Queues a test notification to every channel of the project. */
export async function sendTestAlert(deps: AlertDeps, project: string): Promise<{ queued: number }> {
  const projectId = await projectIdByName(deps.db.prisma, project);
  const queued = await deps.db.prisma.$transaction((tx) =>
    enqueueNotifications(
      tx,
      deps,
      projectId,
      'test',
      { id: null, kind: 'flagged', cause: null, message: 'This is a test alert from lrscope.', step: null, expected: null, actual: null },
      { id: 0, name: 'test', project },
    ),
  );
  if (queued === 0) throw new AppError('BAD_REQUEST', `project: "${project}" has no webhook (add one, or set LRSCOPE_WEBHOOK_URL)`);
  return { queued };
}
