import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/server/db/open-database';
import { createDashboardSessions } from '@/server/http/dashboard-sessions';
import { openTempDb } from '../../helpers/temp-db';

let db: Db;
beforeAll(async () => {
  db = await openTempDb();
});
afterAll(async () => {
  await db.close();
});

describe('dashboard sessions', () => {
  it('are stored hashed, end at logout and on expiry, and all end when the token changes', async () => {
    const sessions = createDashboardSessions(db.prisma, 'token-one-123');
    const a = await sessions.open(new Date('2026-12-01T00:00:00Z'));
    const b = await sessions.open(new Date('2026-12-01T00:00:00Z'));
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.prisma.dashboardSession.findMany();
    expect(rows.map((r) => r.id)).not.toContain(a);
    expect(await sessions.isOpen(a, new Date('2026-12-02T00:00:00Z'))).toBe(true);
    expect(await sessions.isOpen(a, new Date('2026-12-09T00:00:00Z')), 'after 7 days').toBe(false);
    await sessions.close(a);
    expect(await sessions.isOpen(a, new Date('2026-12-02T00:00:00Z'))).toBe(false);
    expect(await sessions.isOpen(b, new Date('2026-12-02T00:00:00Z'))).toBe(true);
    expect(await createDashboardSessions(db.prisma, 'token-two-456').isOpen(b, new Date('2026-12-02T00:00:00Z')), 'under a new token').toBe(false);
    expect(await createDashboardSessions(db.prisma, undefined).isOpen(b, new Date('2026-12-02T00:00:00Z')), 'with the token removed').toBe(false);
    expect(await sessions.isOpen('not-a-session', new Date('2026-12-02T00:00:00Z'))).toBe(false);
  });
});
