// The server the demo talks to: LRSCOPE_URL with LRSCOPE_API_KEY when set; otherwise the app
// itself, started like `npm start`, with a key for the project "demo" made through the key service.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { LrscopeClient } from '@/client/lrscope-client';
import { type CliIo, UsageError } from '../io';
import type { DemoOptions } from './options';

const PROJECT = 'demo';

export interface Target {
  client: LrscopeClient;
  /** Where to look: the dashboard of the server the runs went to. */
  dashboard: string;
  /** Set when the demo started the app itself. */
  started?: { pages: boolean; stop(): Promise<void> };
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

export async function connect(io: CliIo, opts: DemoOptions): Promise<Target> {
  const url = io.env.LRSCOPE_URL;
  if (url) {
    const apiKey = io.env.LRSCOPE_API_KEY;
    if (!apiKey) throw new UsageError('LRSCOPE_URL is set but LRSCOPE_API_KEY is not: use the key the server printed at its first start, or make one with lrscope keys create --project demo');
    const client = new LrscopeClient({ url, apiKey, dashboardToken: io.env.LRSCOPE_DASHBOARD_TOKEN });
    return { client, dashboard: client.url };
  }
  // The app owns the database, so the demo makes its key directly (as `lrscope keys create` does).
  const { ConfigError, loadConfig } = await import('@/server/config');
  const { start } = await import('@/server/start');
  const { createProjectKey } = await import('@/server/keys/create-project-key');
  const { revokeKey } = await import('@/server/keys/manage-keys');
  const host = io.env.HOST || '127.0.0.1';
  // A free port: 3000 like `npm start` when nothing holds it, else any.
  const port = io.env.PORT || ((await portFree(3000, host)) ? '3000' : '0');
  let config;
  try {
    config = loadConfig({ ...io.env, PORT: port }, io.cwd);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  // Pages from `next build` when there is one; compiled on demand (slower first load) otherwise.
  const pages = opts.apiOnly ? 'none' : existsSync(`${ROOT}/.next/BUILD_ID`) ? 'production' : 'dev';
  const app = await start({ config, pages, log: (line) => io.stdout(`${line}\n`) });
  const key = await createProjectKey(app.db.prisma, PROJECT).catch(async (err) => {
    await app.stop();
    throw err;
  });
  const client = new LrscopeClient({ url: app.server.url, apiKey: key.key, dashboardToken: config.dashboardToken });
  return {
    client,
    dashboard: app.server.url,
    started: {
      pages: pages !== 'none',
      stop: async () => {
        // Nobody holds this key (it was never printed); revoked, it cannot leak from a log.
        await revokeKey(app.db.prisma, key.key);
        await app.stop();
      },
    },
  };
}
