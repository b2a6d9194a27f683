// `npm run dev` / `npm start`: the lrscope server.
//   --dev        pages compiled on demand (development)
//   --api-only   no pages: the ingest and read API only
import { ConfigError, DEFAULT_DATABASE_URL, loadConfig, redactUrl } from './config';
import { databaseUnavailable, type UnavailableReason } from './db/database-unavailable';
import { logdirOptions } from './logdir/options';
import { start } from './start';

// A self-hosted tracker often runs on closed networks: Next.js should not try to phone home.
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const START_ADVICE: Record<UnavailableReason, string> = {
  unreachable: ' Is the database server running, and is DATABASE_URL right?',
  'read-only': ' lrscope needs to write to the database file and its folder (SQLite keeps a journal next to it).',
  'io-error': ' lrscope needs to write to the database file and its folder (SQLite keeps a journal next to it), on a healthy disk.',
  'disk-full': ' Free space on the database volume.',
  busy: ' Another process holds a write lock on it.',
};

const argv = process.argv.slice(2);
// --allowed-hosts a,b is the flag form of LRSCOPE_ALLOWED_HOSTS (as MLflow's server has it).
const hostsFlag = argv.findIndex((a) => a === '--allowed-hosts' || a.startsWith('--allowed-hosts='));
if (hostsFlag >= 0) {
  const a = argv[hostsFlag];
  process.env.LRSCOPE_ALLOWED_HOSTS = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[hostsFlag + 1] ?? '');
}
const args = new Set(argv);
if (args.has('--help') || args.has('-h')) {
  console.log(`usage: npm run dev | npm start   (or: tsx src/server/main.ts [--dev | --api-only]) [-- --logdir DIR ...]
  --dev        pages compiled on demand (development)
  --api-only   no pages: the ingest and read API only
  --allowed-hosts a,b   host names to answer besides localhost, IPs and LRSCOPE_PUBLIC_URL's (LRSCOPE_ALLOWED_HOSTS)
  --logdir DIR follow the training logs under DIR live (repeatable; or LRSCOPE_LOGDIR=DIR1:DIR2)
  --project P  the project those runs go to (default: the directory's name)
Configuration comes from the environment: PORT, HOST, DATABASE_URL (see README.md).`);
  process.exit(0);
}
try {
  const config = loadConfig(process.env);
  const pages = args.has('--api-only') ? 'none' : args.has('--dev') ? 'dev' : 'production';
  const logdir = logdirOptions(process.argv.slice(2), process.env);
  const started = await start({ config, pages, logdir });
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
  console.error(startupFailure(err));
  process.exit(1);
}

function startupFailure(err: unknown): unknown {
  if (err instanceof ConfigError) return `lrscope: ${err.message}`;
  const down = databaseUnavailable(err);
  if (!down) return err;
  const where = redactUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  return `lrscope: cannot open the database ${where}: ${down.reason} (${down.detail}).${START_ADVICE[down.reason]}`;
}
