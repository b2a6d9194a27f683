import { alertsRouter } from './routers/alerts';
import { liveRouter } from './routers/live';
import { runsRouter } from './routers/runs';
import { sourcesRouter } from './routers/sources';
import { router } from './trpc';

export const appRouter = router({
  runs: runsRouter,
  alerts: alertsRouter,
  live: liveRouter,
  sources: sourcesRouter,
});

export type AppRouter = typeof appRouter;
