// A run as a trainer sees it: `log()` puts a point in memory and returns; everything that
// touches the network happens in the background, so a slow or absent server never blocks or
// crashes training. Same batching and retry behaviour as the Python client:
//
// - the run is created lazily with a clientId, so a create whose reply was lost is not doubled;
// - points are sent in batches of `batchSize` (1,000), or after `flushIntervalMs` (1 s) when
//   fewer have been logged; one request per run in flight, oldest points first;
// - network errors, timeouts, 5xx, 408 and 425 are retried with exponential backoff and jitter,
//   429 after the Retry-After the server asked for; re-sending a batch is harmless (the server
//   is idempotent on run + step);
// - any other 4xx is reported once and not retried: a point the server names is removed and the
//   rest of its batch sent, otherwise the batch is dropped;
// - memory is bounded (point-buffer.ts): past `maxBufferedPoints` the oldest are dropped, counted.
//
// Timers are unref'd, so a logger alone never keeps a process alive; `flush()` and `finish()`
// hold the process until they settle or time out. Await `finish()` before exiting.
import { backoffMs, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff';
import type { LrscopeClient } from './lrscope-client';
import { LrscopeError } from './lrscope-error';
import { type BufferedPoint, PointBuffer } from './point-buffer';
import { createReporter, type ErrorHandler, kindOf, type Reporter, warnOnConsole } from './report-once';
import { isStep, type LogValues, toWirePoint } from './to-wire-point';
import type { CreateRunInput, RunStatusOnFinish, WirePoint } from './wire-types';

export interface RunLoggerOptions {
  /** Points per request (the server takes at most 10,000). Default 1,000. */
  batchSize?: number;
  /** Longest a logged point waits for its batch to fill. Default 1,000 ms. */
  flushIntervalMs?: number;
  /** Points held in memory (buffered and in flight) before the oldest are dropped. Default 100,000. */
  maxBufferedPoints?: number;
  /** How long flush() and finish() wait for an unreachable server. Default 30 s. */
  flushTimeoutMs?: number;
  /** Waits between attempts. Default 250 ms doubling to 30 s. */
  backoff?: Partial<BackoffPolicy>;
  /** Where problems are reported, once per kind. Default console.warn. */
  onError?: ErrorHandler;
  /** Makes creating the run idempotent; default a random UUID. */
  clientId?: string;
}

export interface RunLoggerStats {
  /** log() calls taken (several calls for one step merge into one point). */
  logged: number;
  /** Points the server stored. */
  accepted: number;
  /** Points the server already had (a batch re-sent after its reply was lost). */
  duplicates: number;
  /** Points the server refused (4xx), including every point of a run it refused to create. */
  rejected: number;
  /** Points dropped to stay within maxBufferedPoints, or logged after finish(). */
  dropped: number;
  /** log() calls with an unusable step (not an integer from 0 to 2,147,483,647). */
  invalid: number;
  /** Points in memory, waiting to be sent or in flight. */
  buffered: number;
  /** Attempts that failed and were tried again. */
  retries: number;
}

export interface FlushResult {
  /** False when the timeout passed with points logged before the call still unsent (server unreachable). */
  complete: boolean;
  stats: RunLoggerStats;
}

type State = 'creating' | 'ready' | 'dead' | 'closed';
type Attempt<T> = { ok: true; value: T } | { ok: false; error: LrscopeError };

// A Retry-After beyond this is not honoured as is: training would rather keep its data moving.
const MAX_RETRY_AFTER_MS = 60_000;
// Consecutive retryable failures before "cannot reach the server" is reported.
const OFFLINE_AFTER = 3;
const POINT_INDEX = /^points\[(\d+)\]/;

export class RunLogger {
  readonly name: string;
  /** The run's id once the server created it; undefined before (and forever if it refused). */
  id: number | undefined;
  /** Resolves with the run's id once created; rejects with the LrscopeError if the server refused the run. */
  readonly runId: Promise<number>;

  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly flushTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly report: Reporter;
  private readonly buffer: PointBuffer;
  private readonly createBody: CreateRunInput & { clientId: string };

  private state: State = 'creating';
  private inflight: BufferedPoint[] | null = null;
  private pumping = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerFired = false;
  /** Highest log() sequence number a flush() waits for: partial batches are sent until it is passed. */
  private flushTarget = 0;
  private waiters: { target: number; done: () => void }[] = [];
  private closing = false;
  private finishing: Promise<FlushResult> | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  /** Points were left unsent when finish() gave up. */
  private gaveUp = false;
  private resolveId!: (id: number) => void;
  private rejectId!: (err: LrscopeError) => void;
  private readonly counts = { logged: 0, accepted: 0, duplicates: 0, rejected: 0, invalid: 0, dropped: 0, retries: 0 };

  constructor(
    private readonly client: LrscopeClient,
    input: CreateRunInput,
    options: RunLoggerOptions = {},
  ) {
    this.name = input.name;
    this.batchSize = Math.max(1, Math.min(Math.floor(options.batchSize ?? 1000), 10_000));
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 1000);
    this.flushTimeoutMs = Math.max(0, options.flushTimeoutMs ?? 30_000);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.report = createReporter(options.onError ?? warnOnConsole);
    // At least two batches' worth, so one can fill while the other is in flight.
    this.buffer = new PointBuffer(Math.max(options.maxBufferedPoints ?? 100_000, 2 * this.batchSize));
    this.createBody = { ...input, clientId: options.clientId ?? input.clientId ?? globalThis.crypto.randomUUID() };
    this.runId = new Promise<number>((resolve, reject) => {
      this.resolveId = resolve;
      this.rejectId = reject;
    });
    // Nobody has to await runId: a refused run is reported through onError, never as an unhandled rejection.
    this.runId.catch(() => {});
    this.kick();
  }

  /** Records a point; returns at once, never throws. Values for one step logged in several calls are merged. */
  log(step: number, values: LogValues = {}): void {
    try {
      if (!isStep(step)) {
        this.counts.invalid++;
        this.report.once('step', `log(): step must be an integer from 0 to 2147483647, got ${String(step)}; such points are not sent`);
        return;
      }
      if (this.closing || this.state === 'dead') {
        if (this.state === 'dead') this.counts.rejected++;
        else {
          this.counts.dropped++;
          this.report.once('after-finish', `log() after finish() on run "${this.name}": the point is not sent`);
        }
        return;
      }
      this.counts.logged++;
      const before = this.buffer.dropped;
      this.buffer.add(step, values, this.inflight?.length ?? 0);
      if (this.buffer.dropped > before) {
        this.report.once('overflow', `run "${this.name}": more than ${this.buffer.capacity} points waiting for the server; dropping the oldest to keep memory bounded (see stats().dropped)`);
      }
      if (this.buffer.size >= this.batchSize) this.kick();
      else this.armTimer();
    } catch (err) {
      this.report.once('internal-log', `internal error in log(): ${String(err)}`);
    }
  }

  /** Sends everything logged so far; resolves when it reached the server (or was refused), or after timeoutMs. */
  flush(timeoutMs = this.flushTimeoutMs): Promise<FlushResult> {
    const target = this.buffer.lastSeq;
    if (this.settled(target)) return Promise.resolve(this.result(target));
    this.flushTarget = Math.max(this.flushTarget, target);
    this.kick();
    return new Promise((resolve) => {
      const waiter = {
        target,
        done: () => {
          clearTimeout(timeout);
          resolve(this.result(target));
        },
      };
      // Ref'd on purpose: an awaited flush keeps the process alive while backoff timers (unref'd) run.
      const timeout = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.result(target));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends what is left, marks the run finished (or crashed), and stops. Idempotent. Gives up after
   * timeoutMs when the server stays unreachable; `complete` says whether everything arrived.
   */
  finish(status: RunStatusOnFinish = 'finished', timeoutMs = this.flushTimeoutMs): Promise<FlushResult> {
    this.finishing ??= this.finishOnce(status, timeoutMs);
    return this.finishing;
  }

  stats(): RunLoggerStats {
    return { ...this.counts, dropped: this.counts.dropped + this.buffer.dropped, buffered: this.buffer.size + (this.inflight?.length ?? 0) };
  }

  private async finishOnce(status: RunStatusOnFinish, timeoutMs: number): Promise<FlushResult> {
    const deadline = Date.now() + timeoutMs;
    this.closing = true;
    this.wake?.(); // cut a long backoff short: waits are capped at 1 s from now on
    const flushed = await this.flush(timeoutMs);
    let finished = false;
    if (flushed.complete && this.state === 'ready' && this.id !== undefined) {
      const runId = this.id;
      const done = await this.withDeadline(
        this.attempt(() => this.client.finish({ runId, status })),
        deadline - Date.now(),
      );
      if (done && !done.ok) this.report.once(`finish:${kindOf(done.error.message)}`, `run "${this.name}": finishing it failed (HTTP ${done.error.status}: ${done.error.message})`, done.error);
      finished = done?.ok === true;
    }
    this.close();
    return { complete: flushed.complete && finished, stats: this.stats() };
  }

  /** Stops for good: the pump gives up at its next step, timers are cleared, what is left is counted as dropped. */
  private close(): void {
    if (this.state === 'creating') this.rejectId(new LrscopeError('runs.create', 0, `run "${this.name}" was never created: the server could not be reached before finish() gave up`));
    if (this.state !== 'dead') this.state = 'closed';
    const left = this.buffer.take(Number.POSITIVE_INFINITY).length;
    this.counts.dropped += left;
    if (left > 0) this.gaveUp = true;
    clearTimeout(this.timer);
    this.wake?.();
    this.settleWaiters();
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = true;
    // Off the caller's path: log() returns before any JSON is built or any request starts.
    queueMicrotask(() => {
      this.pump()
        .catch((err) => this.report.once('internal-pump', `internal error while sending: ${String(err)}`))
        .finally(() => {
          this.pumping = false;
          this.settleWaiters();
          if (this.state === 'ready' && this.due()) this.kick();
          else this.armTimer();
        });
    });
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.buffer.size === 0 || this.state === 'dead' || this.state === 'closed') return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerFired = true;
      this.kick();
    }, this.flushIntervalMs);
    this.timer.unref?.();
  }

  private due(): boolean {
    const size = this.buffer.size;
    return size >= this.batchSize || (size > 0 && (this.timerFired || this.buffer.oldestSeq <= this.flushTarget));
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.state === 'creating') {
        await this.create();
        continue;
      }
      if (this.state !== 'ready' || !this.due()) return;
      this.timerFired = false;
      const batch = this.buffer.take(this.batchSize);
      this.inflight = batch;
      try {
        await this.send(batch);
      } finally {
        this.inflight = null;
      }
      this.settleWaiters();
    }
  }

  private async create(): Promise<void> {
    const body: Record<string, unknown> = { ...this.createBody };
    for (;;) {
      const r = await this.attempt(() => this.client.createRun(body as CreateRunInput));
      if (r.ok) {
        this.id = r.value.id;
        if (this.state === 'creating') this.state = 'ready';
        this.resolveId(r.value.id);
        return;
      }
      const e = r.error;
      // A field the server refuses (a schedule spec it cannot parse, say) is left out rather than
      // losing the whole run: the points still get plotted, just not checked.
      const field = e.status === 400 ? /^([A-Za-z]+)[.:[]/.exec(e.message)?.[1] : undefined;
      if (e.outcome === 'rejected' && field && field in body && field !== 'name' && field !== 'clientId') {
        this.report.once(`create-field:${field}`, `run "${this.name}": the server refused ${field} (${e.message}); the run is created without it`, e);
        delete body[field];
        continue;
      }
      // Not refused: finish() gave up while the server was unreachable (close() counted the points).
      if (e.outcome !== 'rejected') return;
      this.report.once(`create:${kindOf(e.message)}`, `the server refused to create run "${this.name}" (HTTP ${e.status}: ${e.message}); its points are not sent`, e);
      this.state = 'dead';
      this.counts.rejected += this.buffer.take(Number.POSITIVE_INFINITY).length;
      this.rejectId(e);
      return;
    }
  }

  private async send(batch: BufferedPoint[]): Promise<void> {
    const runId = this.id!;
    const points: WirePoint[] = batch.map((p) => toWirePoint(p.step, p.values, (kind, message) => this.report.once(`point:${kind}`, message)));
    while (points.length > 0) {
      const r = await this.attempt(() => this.client.log({ runId, points }));
      if (r.ok) {
        this.counts.accepted += r.value.accepted;
        this.counts.duplicates += r.value.duplicates;
        return;
      }
      const e = r.error;
      if (e.outcome !== 'rejected') {
        this.counts.dropped += points.length; // finish() gave up while the server was unreachable
        this.gaveUp = true;
        return;
      }
      const named = POINT_INDEX.exec(e.message);
      const i = named ? Number(named[1]) : -1;
      if (e.status === 400 && i >= 0 && i < points.length && points.length > 1) {
        this.report.once(`point-rejected:${kindOf(e.message)}`, `the server rejected a point of run "${this.name}" (${e.message}); it is dropped, the rest of its batch is sent`, e);
        points.splice(i, 1);
        this.counts.rejected++;
        continue;
      }
      this.report.once(`log:${kindOf(e.message)}`, `the server rejected a batch of run "${this.name}" (HTTP ${e.status}: ${e.message}); it is dropped`, e);
      this.counts.rejected += points.length;
      return;
    }
  }

  /** Calls fn until it succeeds, the server refuses (4xx), or the logger is closed; retryable failures wait. */
  private async attempt<T>(fn: () => Promise<T>): Promise<Attempt<T>> {
    for (;;) {
      let error: LrscopeError;
      try {
        const value = await fn();
        if (this.failures >= OFFLINE_AFTER) this.report.once('online', `${this.client.url} is reachable again; sending what was kept`);
        this.report.forget('offline');
        this.failures = 0;
        return { ok: true, value };
      } catch (err) {
        error = err instanceof LrscopeError ? err : new LrscopeError('?', 0, String(err));
      }
      if (error.outcome === 'rejected' || this.state === 'closed') return { ok: false, error };
      this.counts.retries++;
      let wait: number;
      if (error.outcome === 'throttled' && error.retryAfterMs !== undefined) {
        wait = Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS);
      } else {
        this.failures++;
        wait = backoffMs(this.failures, this.closing ? { ...this.backoff, maxMs: Math.min(this.backoff.maxMs, 1000) } : this.backoff);
        if (this.failures === OFFLINE_AFTER) {
          this.report.forget('online');
          const problem = error.status === 0 ? error.message : `${this.client.url} answers HTTP ${error.status} (${error.message})`;
          this.report.once('offline', `${problem}; retrying in the background, keeping up to ${this.buffer.capacity} points`, error);
        }
      }
      await this.sleep(this.closing ? Math.min(wait, 1000) : wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref?.();
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private withDeadline<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
    if (ms <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.close();
        resolve(undefined);
      }, ms);
      p.then((v) => {
        clearTimeout(t);
        resolve(v);
      });
    });
  }

  /** Whether a point logged at or before sequence number `target` is still to be sent. */
  private waitingThrough(target: number): boolean {
    const inflightOldest = this.inflight && this.inflight.length > 0 ? this.inflight[0].firstSeq : Number.POSITIVE_INFINITY;
    return Math.min(inflightOldest, this.buffer.oldestSeq) <= target;
  }

  /** Nothing logged up to `target` will be sent any more: it was, or the logger stopped. */
  private settled(target: number): boolean {
    return this.state === 'dead' || this.state === 'closed' || (this.state === 'ready' && !this.waitingThrough(target));
  }

  private result(target: number): FlushResult {
    return { complete: this.id !== undefined && this.state !== 'dead' && !this.waitingThrough(target) && !this.gaveUp, stats: this.stats() };
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      if (this.settled(w.target)) w.done();
      else this.waiters.push(w);
    }
  }
}
