import { alertsRouter } from './routers/alerts';
import { liveRouter } from './routers/live';
import { projectsRouter } from './routers/projects';
import { runsRouter } from './routers/runs';
import { sourcesRouter } from './routers/sources';
import { router } from './trpc';

export const appRouter = router({
  runs: runsRouter,
  alerts: alertsRouter,
  live: liveRouter,
  sources: sourcesRouter,
  projects: projectsRouter,
});

export type AppRouter = typeof appRouter;
