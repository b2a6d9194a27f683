// A dashboard session of a server without a dashboard token, as a page load opens one (see
// dashboard-sessions.ts), written straight into its database: API-only test servers serve no
// pages to open one. Returns the Cookie header the browser would send.
import { createHash, randomBytes } from 'node:crypto';
import { sqlWrite } from './raw-db';
import type { TestServer } from './server';

export async function dashboardSessionCookie(server: TestServer): Promise<string> {
  const secret = randomBytes(32).toString('base64url');
  const expires = Date.now() + 86_400_000;
  // SQLite keeps Prisma's DateTime as epoch milliseconds (open-database.ts), PostgreSQL as a timestamp.
  await sqlWrite(server.databaseUrl, 'INSERT INTO "DashboardSession" ("id", "tokenFingerprint", "expiresAt") VALUES ($1, $2, $3)', [
    createHash('sha256').update(secret).digest('hex'),
    'no-token',
    server.databaseUrl.startsWith('file:') ? expires : new Date(expires),
  ]);
  return `lrscope_session=${secret}`;
}
