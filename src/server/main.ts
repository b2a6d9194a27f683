// `npm run dev` / `npm start`: the lrscope server.
//   --dev        pages compiled on demand (development)
//   --api-only   no pages: the ingest and read API only
import { ConfigError, loadConfig } from './config';
import { start } from './start';

// A self-hosted tracker often runs on closed networks: Next.js should not try to phone home.
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const args = new Set(process.argv.slice(2));
if (args.has('--help') || args.has('-h')) {
  console.log(`usage: npm run dev | npm start   (or: tsx src/server/main.ts [--dev | --api-only])
  --dev        pages compiled on demand (development)
  --api-only   no pages: the ingest and read API only
Configuration comes from the environment: PORT, HOST, DATABASE_URL (see README.md).`);
  process.exit(0);
}
try {
  const config = loadConfig(process.env);
  const pages = args.has('--api-only') ? 'none' : args.has('--dev') ? 'dev' : 'production';
  const started = await start({ config, pages });
  const shutdown = (signal: string) => {
    console.log(`lrscope: ${signal}, shutting down`);
    started.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  console.error(err instanceof ConfigError ? `lrscope: ${err.message}` : err);
  process.exit(1);
}
