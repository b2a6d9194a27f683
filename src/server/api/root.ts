import { alertsRouter } from './routers/alerts';
import { liveRouter } from './routers/live';
import { runsRouter } from './routers/runs';
import { router } from './trpc';

export const appRouter = router({
  runs: runsRouter,
  alerts: alertsRouter,
  live: liveRouter,
});

export type AppRouter = typeof appRouter;
