// The reads server-rendered pages make (see page-data.ts): tRPC's own procedures called in
// process, so a page's first view is exactly what the browser would have fetched.
import { appRouter } from './api/root';
import type { Context } from './api/trpc';
import type { Prisma } from './db/open-database';
import { createFailureThrottle } from './http/failure-throttle';
import { isLiveFeed, isRead } from './http/procedure-kinds';
import { unshared } from './http/shared-json-stream';
import type { PageData } from './page-data';

export type PageReadContext = Pick<Context, 'db' | 'verdicts' | 'alerting' | 'rateLimiter' | 'watchDir'>;

export function pageDataFor(prisma: Prisma, services: PageReadContext): PageData {
  const caller = appRouter.createCaller({
    ...services,
    // A page is the signed-in dashboard reading (dashboard-auth admitted it); reads need no key.
    authorization: null,
    client: 'page',
    keyFailures: createFailureThrottle({ burst: 20, perSecond: 1 }),
    dashboardMayChange: async () => false,
    shareJson: unshared,
  });
  return {
    runName: async (id) => (await prisma.run.findUnique({ where: { id }, select: { name: true } }))?.name ?? null,
    read: async (path, input) => {
      if (!isRead(path) || isLiveFeed(path)) throw new Error(`pages only read: ${path} is not a read`);
      const procedure = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], caller);
      if (typeof procedure !== 'function') throw new Error(`no procedure ${path}`);
      // The browser gets JSON: dates as strings, no undefined fields. The page hands it the same.
      return JSON.parse(JSON.stringify(await (procedure as (input: unknown) => Promise<unknown>)(input)));
    },
  };
}
