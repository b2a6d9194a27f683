// `lrscope import FILE`: an existing training log (CSV, JSON lines, JSON, TensorBoard event file)
// sent to the running server through the public API — runs.create, then runs.log in batches of
// at most 10,000, then runs.finish — so old runs are checked like live ones. Progress goes to
// stderr; the result (run id, page, verdict) to stdout as JSON.
//
// Re-running the same import is safe: the run's clientId is derived from the file and the
// options, so the server returns the same run, and runs.log skips steps it already has.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { batches, FORMATS, type ImportedLog, ImportError, type ImportFormat, importLog, MAX_BATCH, type MapOverrides, parseMapOption, toApiPoint } from '@/lib/import';
import { stepsPerEpoch as stepsPerEpochSchema, projectName } from '@/server/api/inputs';
import { scheduleSpec } from '@/server/api/schedule-input';
import { formatZodIssues } from '@/server/api/zod-messages';
import { type CliCommand, type CliIo, UsageError } from '../io';
import { readJsonInput } from '../read-json';

const USAGE = `usage: lrscope import FILE [--name N] [--project P] [--schedule SPEC.json] [--steps-per-epoch N] [--map FIELD=COLUMN]... [--format csv|jsonl|json|tensorboard]
  FILE: a CSV or JSON-lines log with step and lr columns, a JSON list (or trainer_state.json, or an lrscope run file),
        or a TensorBoard event file (events.out.tfevents.*)
  --map lr=lr-AdamW   which column is step, lr, loss, epoch or time (by default chosen by name; FIELD= leaves it out)
  Sends to LRSCOPE_URL (default http://127.0.0.1:3000) with LRSCOPE_API_KEY.`;

interface Options {
  file: string;
  name?: string;
  project?: string;
  schedule?: string;
  stepsPerEpoch?: number;
  format?: ImportFormat;
  map: MapOverrides;
}

const VALUED = new Set(['--name', '--project', '--schedule', '--steps-per-epoch', '--map', '--format']);

function parseArgs(args: string[]): Options {
  const files: string[] = [];
  const opts: Omit<Options, 'file'> = { map: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!flag.startsWith('--')) {
      files.push(arg);
      continue;
    }
    if (!VALUED.has(flag)) throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === '--name') opts.name = value;
    else if (flag === '--project') opts.project = check(projectName, value, flag);
    else if (flag === '--schedule') opts.schedule = value;
    else if (flag === '--steps-per-epoch') opts.stepsPerEpoch = check(stepsPerEpochSchema, Number(value), flag);
    else if (flag === '--format') {
      if (!FORMATS.includes(value as ImportFormat)) throw new UsageError(`--format: must be one of ${FORMATS.join(', ')}, got "${value}"`);
      opts.format = value as ImportFormat;
    } else {
      try {
        const [field, column] = parseMapOption(value);
        opts.map[field] = column;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    }
  }
  if (files.length !== 1) throw new UsageError(USAGE);
  return { file: files[0], ...opts };
}

function check<T extends z.ZodType>(schema: T, value: unknown, flag: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${flag}: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** A run name from the file: a TensorBoard file is named by its run directory, the way TensorBoard lists it. */
function defaultName(file: string, format: ImportFormat): string {
  const abs = path.resolve(file);
  const dir = path.basename(path.dirname(abs));
  if (format === 'tensorboard' && dir) return dir;
  return path.basename(abs).replace(/\.(csv|tsv|jsonl|ndjson|json)$/i, '') || path.basename(abs);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A server reply that is not a result: its message names the field, as the API promises. */
class ServerError extends Error {}

interface Api {
  call<T>(procedure: string, input: unknown): Promise<T>;
  get<T>(procedure: string, input: unknown): Promise<T>;
}

function api(base: string, key: string): Api {
  const send = async <T>(procedure: string, init: RequestInit, url: string): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ServerError(`cannot reach lrscope at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}): is the server running? Set LRSCOPE_URL to its address.`);
    }
    const body = (await res.json().catch(() => null)) as { result?: { data: T }; error?: { message: string } } | null;
    if (!res.ok || !body?.result) throw new ServerError(`${procedure} failed (HTTP ${res.status}): ${body?.error?.message ?? res.statusText}`);
    return body.result.data;
  };
  return {
    call: (procedure, input) => send(procedure, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }, `${base}/api/trpc/${procedure}`),
    get: (procedure, input) => send(procedure, { method: 'GET' }, `${base}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`),
  };
}

/** Prints "sent 20,000 / 120,000 points (17%)" at most every 5%, and at the end. */
function progress(io: CliIo, total: number): (sent: number) => void {
  let shown = -1;
  return (sent) => {
    const pct = Math.floor((100 * sent) / total);
    if (sent < total && Math.floor(pct / 5) === shown) return;
    shown = Math.floor(pct / 5);
    io.stderr(`lrscope import: sent ${sent.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} points (${pct}%)\n`);
  };
}

async function readLog(opts: Options, io: CliIo): Promise<{ log: ImportedLog; bytes: Uint8Array }> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path.resolve(io.cwd, opts.file)));
  } catch (err) {
    throw new UsageError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const started = Date.now();
  if (bytes.length > 10 * 2 ** 20) io.stderr(`lrscope import: reading ${opts.file} (${(bytes.length / 2 ** 20).toFixed(0)} MB)…\n`);
  try {
    const log = importLog({ fileName: opts.file, bytes, format: opts.format, map: opts.map });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.stderr(`lrscope import: read ${count(log.points.length, 'point')} from ${opts.file} (${log.format}, ${seconds} s)\n${log.notes.map((n) => `  ${n}\n`).join('')}`);
    return { log, bytes };
  } catch (err) {
    if (err instanceof ImportError) throw new UsageError(`${opts.file}: ${err.message}`);
    throw err;
  }
}

/** The schedule and steps per epoch: the options, else what an lrscope run file carries. */
async function runDescription(opts: Options, log: ImportedLog, io: CliIo) {
  let schedule: unknown;
  if (opts.schedule) schedule = await readJsonInput(opts.schedule, io, scheduleSpec);
  else if (log.meta?.schedule !== undefined) schedule = check(scheduleSpec, log.meta.schedule, `${opts.file}: schedule`);
  let stepsPerEpoch = opts.stepsPerEpoch;
  if (stepsPerEpoch === undefined && log.meta?.stepsPerEpoch !== undefined) stepsPerEpoch = check(stepsPerEpochSchema, log.meta.stepsPerEpoch, `${opts.file}: stepsPerEpoch`);
  return { schedule, stepsPerEpoch };
}

/** The same file imported with the same options is the same run (runs.create returns it again). */
function clientIdOf(bytes: Uint8Array, options: unknown[]): string {
  return `import-${createHash('sha256').update(bytes).update(JSON.stringify(options)).digest('hex').slice(0, 40)}`;
}

export const importCommand: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const opts = parseArgs(args);
  const key = io.env.LRSCOPE_API_KEY;
  if (!key) throw new UsageError('LRSCOPE_API_KEY is not set: use the key the server printed at its first start, or make one with `lrscope keys create --project NAME`');
  const base = (io.env.LRSCOPE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const { log, bytes } = await readLog(opts, io);
  const { schedule, stepsPerEpoch } = await runDescription(opts, log, io);
  const name = opts.name ?? defaultName(opts.file, log.format);
  const clientId = clientIdOf(bytes, [name, opts.project, schedule, stepsPerEpoch, log.mapping]);

  const server = api(base, key);
  try {
    const { id } = await server.call<{ id: number }>('runs.create', {
      name,
      ...(opts.project ? { project: opts.project } : {}),
      ...(schedule ? { schedule } : {}),
      ...(stepsPerEpoch ? { stepsPerEpoch } : {}),
      config: { imported_from: path.basename(opts.file), format: log.format, columns: log.mapping },
      tags: ['imported'],
      clientId,
    });
    const report = log.points.length > MAX_BATCH ? progress(io, log.points.length) : () => {};
    let sent = 0;
    let duplicates = 0;
    for (const batch of batches(log.points)) {
      const reply = await server.call<{ accepted: number; duplicates: number }>('runs.log', { runId: id, points: batch.map(toApiPoint) });
      duplicates += reply.duplicates;
      sent += batch.length;
      report(sent);
    }
    await server.call('runs.finish', { runId: id, status: 'finished' });
    // Reads may sit behind a dashboard token the API key does not open: the verdict is a bonus.
    const verdict = await server.get<{ run: { verdict: unknown } }>('runs.get', { id }).then((r) => r.run.verdict, () => undefined);
    const url = `${base}/runs/${id}`;
    io.stderr(`lrscope import: run ${id} "${name}": ${count(log.points.length, 'point')}${duplicates ? ` (${duplicates.toLocaleString('en-US')} already there)` : ''} — ${url}\n`);
    io.stdout(`${JSON.stringify({ runId: id, url, name, format: log.format, mapping: log.mapping, points: log.points.length, duplicates, verdict }, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof ServerError)) throw err;
    io.stderr(`lrscope import: ${err.message}\n`);
    return 1;
  }
};
