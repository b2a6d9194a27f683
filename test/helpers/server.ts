// Starts the real lrscope server (src/server/main.ts) as a child process on a free port, API
// only, with its own SQLite file unless a databaseUrl is given.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTempPostgresDatabase } from './postgres';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface TestServer {
  url: string;
  port: number;
  /** The default project's key, printed by the first start. */
  apiKey: string;
  databaseUrl: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: no shutdown, no flush. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database. */
  restart(): Promise<void>;
}

export interface ServerOptions {
  databaseUrl?: string;
  port?: number;
  env?: Record<string, string>;
  args?: string[];
}

export function tempDatabaseUrl(): string {
  return `file:${path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-test-')), 'lrscope.db')}`;
}

/** The suite runs on SQLite, or on PostgreSQL when LRSCOPE_TEST_DB=postgres (a database per server, dropped at stop). */
export const TEST_PROVIDER = process.env.LRSCOPE_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (TEST_PROVIDER === 'postgres') return createTempPostgresDatabase();
  return { url: tempDatabaseUrl(), drop: async () => {} };
}

function spawnServer(databaseUrl: string, port: number, opts: ServerOptions) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...(opts.args ?? ['--api-only'])], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<{ port: number }>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
    setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000).unref();
  });
  return { child, ready, output: () => out };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export async function startServer(opts: ServerOptions = {}): Promise<TestServer> {
  const owned = opts.databaseUrl ? null : await freshDatabase();
  const databaseUrl = opts.databaseUrl ?? owned!.url;
  let proc = spawnServer(databaseUrl, opts.port ?? 0, opts);
  const { port } = await proc.ready;
  const key = /API key (\S+)/.exec(proc.output())?.[1] ?? '';
  let log = '';
  const server: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey: key,
    databaseUrl,
    output: () => log + proc.output(),
    async stop() {
      proc.child.kill('SIGTERM');
      await exited(proc.child);
      await owned?.drop();
    },
    async kill() {
      proc.child.kill('SIGKILL');
      await exited(proc.child);
    },
    async restart() {
      log += proc.output();
      proc = spawnServer(databaseUrl, port, opts);
      await proc.ready;
    },
  };
  return server;
}
