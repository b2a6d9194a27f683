// Follows one run folder: reads what its log files gained, turns it into points, and stores them
// through the API's ingest path (verdicts, live pages, alerts), each batch with the offset of its
// file, in one transaction; keeps the run's schedule in line with the configs beside the logs.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type EpochClues, observeEpochs, stepsPerEpochOf } from '@/lib/logdir/epoch-length';
import { CONFIG_FILES, type ConfigFile, folderSchedule, optimizerNames } from '@/lib/logdir/folder-schedule';
import { type EventState, type LogRow, readCsvRows, readEventRows, readJsonRows, type RowsRead } from '@/lib/logdir/log-rows';
import { holdsEveryField, mapLogColumns, toLogPoints } from '@/lib/logdir/point-mapping';
import { groupSteps } from '@/lib/logdir/step-groups';
import type { LogFileProgress } from '../db/point-store';
import type { LogKind, RunFolder } from './discover';
import type { LogdirContext } from './logdir-context';
import { type Cursor, readNewBytes } from './read-file';

/** Steps per batch: the API's limit. */
const BATCH = 10_000;
/** Config files are stat'ed at most this often (they rarely change). */
const CONFIG_EVERY_MS = 10_000;
/** Text summaries kept (the TrainingArguments): only these tags, at most this much. */
const TEXT_TAGS = new Set(['args', 'args/text_summary']);
/** A file that has ended inside a record this long is taken as complete: its writer is gone. */
const UNFINISHED_TAIL_MS = 60_000;

interface FileState extends Cursor {
  kind: LogKind;
  /** `names`: the file's optimizers renamed ("0" → "disc"), fixed at its first read so a series never changes name. */
  state: { nonScalar?: string[]; columns?: string[]; header?: string; texts?: Record<string, string>; names?: Record<string, string>; settled?: boolean };
  errors: number;
  lastError: string | null;
  readAt?: Date;
  /** In memory only: the size at the last read, when it last grew, its mtime, and whether the last step is held back. */
  lastSize: number;
  grewAt: number;
  mtimeMs: number;
  held: boolean;
  /** A length CRC failed: nothing after `offset` can be read until the file is replaced. */
  dead: boolean;
}

/** The trainer's wall time of the first point that has one, in Unix seconds: when the run started. */
function firstTime(points: readonly { time?: number }[]): number | undefined {
  for (const p of points) if (p.time !== undefined) return p.time;
  return undefined;
}

/** A file's progress as stored with its run; never read yet when `readAt` is null. */
export type StoredFile = Omit<LogFileProgress, 'readAt'> & { readAt: Date | null };

export class RunFollower {
  runId: number | undefined;
  private readonly files = new Map<string, FileState>();
  private readonly epochs: EpochClues = { ends: [] };
  private configs: Partial<Record<ConfigFile, string>> = {};
  private configStamp = '';
  private configCheckedAt = -Infinity;
  private appliedKey = '';
  private scheduleInputs = '';
  private stepsPerEpoch: number | undefined;
  finished = false;

  constructor(
    readonly folder: RunFolder,
    private readonly ctx: LogdirContext,
  ) {}

  /** Picks up where a previous server left off: the run, its files' offsets and its steps per epoch. */
  restore(runId: number, files: StoredFile[], stepsPerEpoch: number | null, appliedKey: string, status: string): void {
    this.runId = runId;
    this.stepsPerEpoch = stepsPerEpoch ?? undefined;
    this.appliedKey = appliedKey;
    this.finished = status === 'finished';
    for (const f of files) {
      this.files.set(f.path, { ...f, kind: f.kind as LogKind, state: (f.state ?? {}) as FileState['state'], readAt: f.readAt ?? undefined, lastSize: f.size, grewAt: 0, mtimeMs: 0, held: false, dead: false });
    }
  }

  /** The newest modification time of the run's log files (0 before the first read). */
  get modifiedMs(): number {
    return Math.max(0, ...[...this.files.values()].map((f) => f.mtimeMs));
  }

  /** Whether a held-back last step waits for its file to go quiet. */
  get waiting(): boolean {
    return [...this.files.values()].some((f) => f.held);
  }

  /** Reads everything new; returns the points stored. */
  async sync(now = Date.now()): Promise<number> {
    let stored = 0;
    // The configs name the optimizers of the points about to be read.
    await this.readConfigs(now);
    for (const [name, kind] of this.folder.files) stored += await this.syncFile(name, kind, now);
    await this.applySchedule(now);
    return stored;
  }

  private fileState(name: string, kind: LogKind): FileState {
    let f = this.files.get(name);
    if (!f || f.kind !== kind) {
      f = { kind, offset: 0, size: 0, head: '', state: {}, errors: 0, lastError: null, lastSize: -1, grewAt: 0, mtimeMs: 0, held: false, dead: false };
      this.files.set(name, f);
    }
    return f;
  }

  private async syncFile(name: string, kind: LogKind, now: number): Promise<number> {
    const f = this.fileState(name, kind);
    const file = path.join(this.folder.dir, name);
    let stored = 0;
    // Unchanged since the last read, with nothing held back: a stat is all a quiet file costs.
    if (f.lastSize >= 0 && !f.held) {
      const s = await stat(file).catch(() => undefined);
      if (s && s.size === f.lastSize && s.mtimeMs === f.mtimeMs) return 0;
    }
    // A file larger than one read is read in several, at once.
    for (let more = true; more; ) {
      let got;
      try {
        got = await readNewBytes(file, f, kind === 'json');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return stored; // gone between the listing and the read
        await this.problem(f, name, `cannot be read: ${code ?? (err as Error).message}`, now);
        return stored;
      }
      const grew = got.size !== f.lastSize || got.mtimeMs !== f.mtimeMs;
      // When it last changed, by its own clock (capped at ours: a network file system's may run ahead):
      // a file found already quiet gives up its last step at once.
      if (grew) f.grewAt = Math.min(now, got.mtimeMs);
      if (got.restarted) {
        f.offset = 0;
        f.state = {};
        f.dead = false;
      }
      if (kind === 'json' ? !grew : got.bytes.length === 0 || f.dead) {
        f.lastSize = got.size;
        f.mtimeMs = got.mtimeMs;
        return stored;
      }
      const quiet = now - f.grewAt >= this.ctx.idleMs;
      const read = this.parse(f, got.bytes, got.base);
      // The last step is complete only if the file is quiet and this read parsed it to its end: a
      // big file is read in pieces (the next piece may hold the rest of the step), and a file that
      // ends inside a record or an unfinished line is still being written, unless it has stayed
      // so for a minute (a writer that died mid-record).
      const atEnd = read.next >= got.size || now - f.grewAt >= UNFINISHED_TAIL_MS;
      const final = kind === 'json' || !!read.fatal || (quiet && atEnd);
      stored += await this.store(f, name, read, got.base, final, got.size, got.head, now);
      f.lastSize = got.size;
      f.mtimeMs = got.mtimeMs;
      more = kind !== 'json' && !read.fatal && got.base + got.bytes.length < got.size && f.offset > got.base;
    }
    return stored;
  }

  private parse(f: FileState, bytes: Uint8Array, base: number): RowsRead {
    if (f.kind === 'events') {
      const state: EventState = { nonScalar: f.state.nonScalar ?? [] };
      const read = readEventRows(bytes, base, state);
      f.state.nonScalar = state.nonScalar;
      for (const [tag, text] of read.texts ?? []) if (TEXT_TAGS.has(tag)) (f.state.texts ??= {})[tag] = text.slice(0, 64 * 1024);
      return read;
    }
    if (f.kind === 'csv') {
      const read = readCsvRows(bytes, base, base > 0 ? f.state.header : undefined);
      if (read.header !== undefined) f.state.header = read.header;
      return read;
    }
    return readJsonRows(bytes);
  }

  private async store(f: FileState, name: string, read: RowsRead, base: number, final: boolean, size: number, head: string, now: number): Promise<number> {
    const columns = new Set(f.state.columns ?? []);
    const before = columns.size;
    for (const row of read.rows as LogRow[]) for (const k in row.cells) columns.add(k);
    if (columns.size !== before || !f.state.columns) f.state.columns = [...columns];
    const mapping = mapLogColumns(f.state.columns!, (f.state.names ??= optimizerNames(this.configs)));
    const grouped = groupSteps(read.rows, base, final, (cells) => holdsEveryField(mapping, cells), f.state.settled);
    if (grouped.settled) f.state.settled = true;
    const problems = [...read.errors];
    if (read.fatal) problems.push(read.fatal);
    const end = grouped.held ? grouped.next : read.next;
    f.held = grouped.held;
    f.dead = !!read.fatal;
    let stored = 0;
    // Batches of at most BATCH steps, each committing the offset after its last step; the last
    // commits where reading stopped (before a held-back step, after skipped records).
    const pending: { points: ReturnType<typeof toLogPoints>['points']; offset: number }[] = [];
    for (let i = 0; i < grouped.groups.length; i += BATCH) {
      const groups = grouped.groups.slice(i, i + BATCH);
      const { points, dropped } = toLogPoints(groups, mapping);
      problems.push(...dropped);
      observeEpochs(this.epochs, groups, points);
      pending.push({ points, offset: grouped.ends[i + groups.length - 1] });
    }
    if (pending.length === 0) pending.push({ points: [], offset: end });
    else pending[pending.length - 1].offset = end;
    f.errors += problems.length;
    if (problems.length) f.lastError = problems[problems.length - 1];
    const changed = pending.some((p) => p.points.length > 0) || end !== f.offset || problems.length > 0 || f.size !== size;
    if (!changed) return 0;
    if (pending.some((p) => p.points.length > 0) || problems.length > 0 || this.runId !== undefined) await this.ensureRun(now, firstTime(pending[0].points));
    if (this.runId === undefined) return 0;
    for (const p of pending) {
      const progress: LogFileProgress = { path: name, kind: f.kind, offset: p.offset, size, head, state: f.state, errors: f.errors, lastError: f.lastError, readAt: new Date(now) };
      if (p.points.length) {
        await this.ctx.log(this.runId, p.points, progress);
        stored += p.points.length;
      } else await this.ctx.saveProgress(this.runId, progress);
      f.offset = p.offset;
    }
    f.size = size;
    f.head = head;
    f.readAt = new Date(now);
    if (stored && this.finished) {
      this.finished = false;
      await this.ctx.reopen(this.runId);
    }
    return stored;
  }

  private async problem(f: FileState, name: string, message: string, now: number): Promise<void> {
    if (f.lastError === message) return;
    f.errors += 1;
    f.lastError = message;
    await this.ensureRun(now);
    await this.ctx.saveProgress(this.runId!, { path: name, kind: f.kind, offset: f.offset, size: f.size, head: f.head, state: f.state, errors: f.errors, lastError: message, readAt: new Date(now) });
  }

  /** Reads the config files of the run folder and the folders above it (the nearest of each name), when they changed. */
  private async readConfigs(now: number): Promise<void> {
    if (now - this.configCheckedAt < CONFIG_EVERY_MS) return;
    this.configCheckedAt = now;
    const found: Partial<Record<ConfigFile, string>> = {};
    const stamps: string[] = [];
    const root = this.ctx.root;
    for (let dir = this.folder.dir; ; dir = path.dirname(dir)) {
      for (const name of CONFIG_FILES) {
        if (found[name] !== undefined) continue;
        const file = path.join(dir, name);
        try {
          const s = await stat(file);
          if (!s.isFile() || s.size > 2 ** 20) continue;
          found[name] = file;
          stamps.push(`${file}:${s.size}:${s.mtimeMs}`);
        } catch {
          // not there
        }
      }
      if (dir === root || path.dirname(dir) === dir || !dir.startsWith(root)) break;
    }
    const stamp = stamps.join('|');
    if (stamp === this.configStamp) return;
    this.configStamp = stamp;
    const configs: Partial<Record<ConfigFile, string>> = {};
    for (const [name, file] of Object.entries(found) as [ConfigFile, string][]) configs[name] = await readFile(file, 'utf8').catch(() => '');
    this.configs = configs;
  }

  private texts(): Map<string, string> {
    const texts = new Map<string, string>();
    for (const f of this.files.values()) for (const [tag, text] of Object.entries(f.state.texts ?? {})) texts.set(tag, text);
    return texts;
  }

  private async applySchedule(now: number): Promise<void> {
    await this.readConfigs(now);
    const observed = stepsPerEpochOf(this.epochs) ?? this.stepsPerEpoch;
    // Worked out again only when something it is made of changed, not on every read.
    const inputs = [this.configStamp, observed, this.runId, ...[...this.files.values()].map((f) => `${f.state.columns?.length}:${Object.keys(f.state.texts ?? {}).length}`)].join('|');
    if (inputs === this.scheduleInputs) return;
    this.scheduleInputs = inputs;
    const found = folderSchedule({ files: this.configs, texts: this.texts(), stepsPerEpoch: observed });
    const notes = [...found.notes, ...found.problems.map((p) => `${p.file}: ${p.message}`)];
    for (const f of this.files.values()) if (f.state.columns) notes.push(...mapLogColumns(f.state.columns, f.state.names).notes);
    const optimizers = found.optimizers && Object.fromEntries(found.optimizers.map((o) => [o.name, { schedule: o.spec }]));
    const key = JSON.stringify([found.spec, found.stepsPerEpoch, found.from, found.cadence, optimizers, notes]);
    if (key === this.appliedKey) return;
    // No run yet (no points): the schedule is applied when it is created.
    if (this.runId === undefined) return;
    this.appliedKey = key;
    if (found.stepsPerEpoch !== undefined) this.stepsPerEpoch = found.stepsPerEpoch;
    await this.ctx.describe(this.runId, { spec: found.spec, stepsPerEpoch: found.stepsPerEpoch, optimizers, config: this.configObject(found.from), scheduleFrom: found.from, cadence: found.cadence, notes }, key);
  }

  /** The config the schedule came from, stored with the run (the run's planned length is read from it). */
  private configObject(from: string | undefined): Record<string, unknown> | undefined {
    const text = from?.startsWith('config.json') ? this.configs['config.json'] : from?.startsWith('TrainingArguments') ? this.texts().get('args/text_summary') ?? this.texts().get('args') : undefined;
    if (!text || text.length > 60 * 1024) return undefined;
    try {
      const v = JSON.parse(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  private async ensureRun(now: number, startedAt?: number): Promise<void> {
    if (this.runId !== undefined) return;
    this.runId = await this.ctx.createRun(this.folder, startedAt === undefined ? undefined : new Date(Math.min(now, startedAt * 1000)));
    // The schedule known so far goes on the run before its first points are judged.
    this.configCheckedAt = -Infinity;
    await this.applySchedule(now);
  }
}
