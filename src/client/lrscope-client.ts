// The lrscope procedures over plain JSON HTTP (the same calls curl and the Python client make):
// mutations are POST /api/trpc/<name> with the input as the body, queries GET ?input=<json>.
// One attempt per call; retries, batching and buffering belong to the run logger.
import { LrscopeError, retryAfterMs } from './lrscope-error';
import { RunLogger, type RunLoggerOptions } from './run-logger';
import type {
  CreateRunInput,
  CreateRunOutput,
  FinishInput,
  FinishOutput,
  GetRunOutput,
  ListRunsInput,
  ListRunsOutput,
  LogInput,
  LogOutput,
  SeriesInput,
  SeriesOutput,
  UpdateRunInput,
  UpdateRunOutput,
} from './wire-types';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface LrscopeClientOptions {
  /** Server base URL; default LRSCOPE_URL, else http://127.0.0.1:3000. */
  url?: string;
  /** Project API key for writes; default LRSCOPE_API_KEY. */
  apiKey?: string;
  /** For reads on a server with LRSCOPE_DASHBOARD_TOKEN set; default that variable. */
  dashboardToken?: string;
  /** Per-request timeout; a request that takes longer counts as a network error (retryable). */
  timeoutMs?: number;
  /** Another fetch (tests, proxies, older runtimes). */
  fetch?: typeof fetch;
}

// Read through globalThis so the client also loads where there is no `process` (browsers, workers).
function env(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = proc?.env?.[name];
  return v === undefined || v === '' ? undefined : v;
}

// JSON has no literal for NaN or ±Infinity; the API takes them as strings (loss, metrics) and
// names the field when they are not allowed (lr), instead of the silent null JSON.stringify writes.
function nonFinite(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export class LrscopeClient {
  readonly url: string;
  private readonly apiKey: string | undefined;
  private readonly dashboardToken: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: LrscopeClientOptions = {}) {
    const url = (options.url ?? env('LRSCOPE_URL') ?? DEFAULT_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/.test(url)) throw new TypeError(`lrscope: the server URL must be an http:// or https:// URL, got "${url}"`);
    this.url = url;
    this.apiKey = options.apiKey ?? env('LRSCOPE_API_KEY');
    this.dashboardToken = options.dashboardToken ?? env('LRSCOPE_DASHBOARD_TOKEN');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  createRun(input: CreateRunInput): Promise<CreateRunOutput> {
    return this.mutate('runs.create', input);
  }

  log(input: LogInput): Promise<LogOutput> {
    return this.mutate('runs.log', input);
  }

  update(input: UpdateRunInput): Promise<UpdateRunOutput> {
    return this.mutate('runs.update', input);
  }

  finish(input: FinishInput): Promise<FinishOutput> {
    return this.mutate('runs.finish', input);
  }

  getRun(id: number): Promise<GetRunOutput> {
    return this.query('runs.get', { id });
  }

  listRuns(input: ListRunsInput = {}): Promise<ListRunsOutput> {
    return this.query('runs.list', input);
  }

  series(input: SeriesInput): Promise<SeriesOutput> {
    return this.query('runs.series', input);
  }

  /**
   * A buffered run: `log()` returns at once and never throws; the run is created, and points
   * sent, in the background with retries. Await `finish()` before the process exits.
   */
  run(input: CreateRunInput, options: RunLoggerOptions = {}): RunLogger {
    return new RunLogger(this, input, options);
  }

  /** The page of a run in the dashboard. */
  runUrl(id: number): string {
    return `${this.url}/runs/${id}`;
  }

  private mutate<T>(procedure: string, input: unknown): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    return this.call<T>(procedure, `${this.url}/api/trpc/${procedure}`, { method: 'POST', headers, body: JSON.stringify(input, nonFinite) });
  }

  private query<T>(procedure: string, input: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.dashboardToken) headers.authorization = `Bearer ${this.dashboardToken}`;
    const qs = `?input=${encodeURIComponent(JSON.stringify(input, nonFinite))}`;
    return this.call<T>(procedure, `${this.url}/api/trpc/${procedure}${qs}`, { method: 'GET', headers });
  }

  private async call<T>(procedure: string, url: string, init: RequestInit): Promise<T> {
    let res: Response;
    let text: string;
    try {
      res = await this.fetchFn(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw new LrscopeError(procedure, 0, `cannot reach ${this.url} (${describeNetworkError(err, this.timeoutMs)})`);
    }
    let doc: unknown;
    try {
      doc = text ? JSON.parse(text) : undefined;
    } catch {
      doc = undefined;
    }
    if (res.ok) {
      const result = (doc as { result?: { data?: T } } | undefined)?.result;
      if (result && 'data' in result) return result.data as T;
      throw new LrscopeError(procedure, res.status, `${procedure}: the reply is not a tRPC result (is ${this.url} an lrscope server?)`);
    }
    throw new LrscopeError(procedure, res.status, errorMessage(doc) ?? `HTTP ${res.status} ${res.statusText}`.trim(), retryAfterMs(res.headers.get('retry-after')));
  }
}

function errorMessage(doc: unknown): string | undefined {
  const error = (doc as { error?: { message?: unknown; json?: { message?: unknown } } } | undefined)?.error;
  const message = error?.message ?? error?.json?.message;
  return typeof message === 'string' ? message : undefined;
}

// undici hides the useful part ("ECONNREFUSED 127.0.0.1:9") in the cause of a bare "fetch failed".
function describeNetworkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no reply in ${timeoutMs / 1000} s`;
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}
