// Dashboard sessions, stored (hashed) in the database so that every instance behind a balancer
// knows them, /logout ends one for good, and changing the dashboard token ends them all.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Prisma } from '../db/open-database';

export const SESSION_DAYS = 7;

export interface DashboardSessions {
  /** Opens a session; returns the secret the cookie carries. */
  open(now?: Date): Promise<string>;
  isOpen(secret: string, now?: Date): Promise<boolean>;
  close(secret: string): Promise<void>;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function createDashboardSessions(prisma: Prisma, token: string | undefined): DashboardSessions {
  // Sessions opened under another token (or under none) do not count under this one.
  const fingerprint = token ? createHmac('sha256', token).update('lrscope dashboard session').digest('hex') : 'no-token';
  return {
    async open(now = new Date()) {
      const secret = randomBytes(32).toString('base64url');
      await prisma.dashboardSession.deleteMany({ where: { expiresAt: { lt: now } } });
      await prisma.dashboardSession.create({ data: { id: hash(secret), tokenFingerprint: fingerprint, expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000) } });
      return secret;
    },
    async isOpen(secret, now = new Date()) {
      if (!/^[A-Za-z0-9_-]{43}$/.test(secret)) return false;
      const row = await prisma.dashboardSession.findUnique({ where: { id: hash(secret) }, select: { tokenFingerprint: true, expiresAt: true } });
      return row !== null && row.tokenFingerprint === fingerprint && row.expiresAt > now;
    },
    async close(secret) {
      await prisma.dashboardSession.deleteMany({ where: { id: hash(secret) } });
    },
  };
}
