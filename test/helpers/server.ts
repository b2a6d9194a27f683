// Starts the real lrscope server (src/server/main.ts) as a child process on a free port, API
// only, with its own SQLite file unless a databaseUrl is given.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
  /** The server process's id (changes on restart). */
  readonly pid: number;
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

/**
 * The node flags `npm start` runs the server with (package.json), so tests and benchmarks run the
 * server users run: the heap caps that keep it within its memory budget included.
 */
export function startFlags(env: Record<string, string | undefined> = process.env): string[] {
  const start: string = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const m = /\bnode (.*) --import tsx src\/server\/main\.ts/.exec(start);
  if (!m) throw new Error(`package.json scripts.start is not "... node <flags> --import tsx src/server/main.ts": ${start}`);
  return m[1].split(/\s+/).map((f) => f.replace(/\$\{(\w+):-([^}]*)\}/g, (_all, name: string, fallback: string) => env[name] || fallback));
}

function spawnServer(databaseUrl: string, port: number, opts: ServerOptions) {
  const child = spawn(process.execPath, [...startFlags({ ...process.env, ...opts.env }), '--import', 'tsx', 'src/server/main.ts', ...(opts.args ?? ['--api-only'])], {
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
    get pid() {
      return proc.child.pid!;
    },
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

export interface SseEvent {
  id?: string;
  data: any;
  /** performance.now() when it arrived. */
  at: number;
}

export interface LiveFeed {
  /** Every tracked event so far, in arrival order. */
  events: SseEvent[];
  /** Steps of every `points` event so far (live.run), in arrival order. */
  steps(): number[];
  /** The id of the latest event: what a reconnecting page sends as lastEventId. */
  lastId(): string | undefined;
  /** Resolves when `ok(events)` holds; rejects on timeout or when the stream failed. */
  wait(what: string, ok: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Called with each event as it arrives. */
  onEvent?: (event: SseEvent) => void;
  close(): Promise<void>;
}

/** A tRPC subscription over SSE read with plain fetch, the way a browser's EventSource sees it. */
export function openFeed(baseUrl: string, procedure: string, input: unknown): LiveFeed {
  const ctrl = new AbortController();
  const events: SseEvent[] = [];
  let failure: unknown;
  const feed: LiveFeed = {
    events,
    steps: () => events.filter((e) => e.data.kind === 'points').flatMap((e) => e.data.points.step as number[]),
    lastId: () => events[events.length - 1]?.id,
    async wait(what, ok, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        if (ok(events)) return;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      ctrl.abort();
      await reading;
    },
  };
  const reading = (async () => {
    const res = await fetch(`${baseUrl}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { signal: ctrl.signal, headers: { accept: 'text/event-stream' } });
    if (res.status !== 200) throw new Error(`${procedure}: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
        if (fields.event || fields.data === undefined) continue; // connected / ping / return
        const event = { id: fields.id, data: JSON.parse(fields.data), at: performance.now() };
        events.push(event);
        feed.onEvent?.(event);
      }
    }
  })().catch((err) => {
    if (!ctrl.signal.aborted) failure = err;
  });
  return feed;
}
