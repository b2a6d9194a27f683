// `lrscope demo` (`npm run demo`): five simulated training runs sent live through the public
// API with the TypeScript client — two whose schedule takes effect and three with the classic
// mistakes — so the dashboard has something to show and the detector something to catch.
//
// The LRs come from the real schedule engine: each run computes lrAt(n) with n advanced the way
// its (simulated) training loop advances the scheduler, mistake included. Uses the server at
// LRSCOPE_URL (with LRSCOPE_API_KEY) when set; otherwise starts the app itself, like
// `npm start`, and makes a key for the project "demo" through the key service.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { LrscopeClient } from '@/client/lrscope-client';
import type { RunLogger } from '@/client/run-logger';
import type { LogValues } from '@/client/to-wire-point';
import type { RunSummary } from '@/client/wire-types';
import { compileSchedule } from '@/lib/schedules';
import type { ScheduleSpec, VerifiableSchedule } from '@/lib/schedules/types';
import { formatLr, formatStep } from '@/lib/ui/format';
import type { Cause } from '@/lib/verdict';
import { type CliCommand, type CliIo, UsageError } from '../io';

const USAGE = `usage: lrscope demo [--fast] [--steps N] [--rate STEPS_PER_SECOND] [--api-only]
  --fast       no pacing: finishes in seconds (default 2,400 steps per run)
  --steps N    optimizer steps per run (default 24,000; 2,400 with --fast)
  --rate R     steps per second per run (default 300)
  --api-only   when starting the app itself: no pages, and stop when the runs are done
Uses LRSCOPE_URL and LRSCOPE_API_KEY when set; otherwise starts lrscope (PORT, DATABASE_URL as for npm start).`;

const EPOCHS = 48;
const PROJECT = 'demo';

// ---------------------------------------------------------------------------------------------
// The scenarios: what each simulated loop configures and how it actually steps the scheduler.

export interface Scenario {
  name: string;
  /** What the simulated training loop does, in a trainer's words. */
  story: string;
  schedule: ScheduleSpec;
  stepsPerEpoch: number;
  config: Record<string, unknown>;
  /** scheduler.step() calls made before optimizer step `step` (0-based) — where the mistake lives. */
  counter(step: number, epoch: number): number;
  /** The epoch as the trainer logs it (Hugging Face logs fractions). */
  loggedEpoch(step: number, epoch: number): number;
  /** What lrscope should say by the end of the run. */
  expected: { flagged: boolean; causes: Cause[] };
}

/** The five runs for `steps` optimizer steps each, in 48 epochs; thresholds scale with the run. */
export function demoScenarios(steps: number): Scenario[] {
  const spe = Math.max(1, Math.round(steps / EPOCHS));
  const at = (fraction: number) => Math.max(2, Math.round(steps * fraction));
  const intEpoch = (_s: number, e: number) => e;
  const hfEpoch = (s: number) => Math.round((s / spe) * 1e4) / 1e4;
  // Coqui's founding story is 5e-4, then 4e-4 after 10,000 steps, 3e-4 after 20,000: at the
  // default 24,000 steps those are the very numbers; shorter runs scale them.
  const coqui = [at(10 / 24), at(20 / 24), at(30 / 24)];
  return [
    {
      name: 'demo-resnet-multisteplr-per-epoch',
      story: 'MultiStepLR stepped once per epoch, as configured',
      schedule: { name: 'MultiStepLR', params: { milestones: [EPOCHS / 2, (EPOCHS * 3) / 4], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 },
      stepsPerEpoch: spe,
      config: { epochs: EPOCHS, batch_size: 256, optimizer: 'SGD', momentum: 0.9 },
      counter: (_s, e) => e,
      loggedEpoch: intEpoch,
      expected: { flagged: false, causes: [] },
    },
    {
      name: 'demo-hf-cosine-warmup',
      story: 'Hugging Face cosine with warm-up, stepped after every optimizer step (as the Trainer does)',
      schedule: { name: 'cosine', params: { num_warmup_steps: at(0.05), num_training_steps: steps }, interval: 'step', baseLr: 3e-4 },
      stepsPerEpoch: spe,
      config: { max_steps: steps, lr_scheduler_type: 'cosine', warmup_ratio: 0.05 },
      counter: (s) => s,
      loggedEpoch: hfEpoch,
      expected: { flagged: false, causes: [] },
    },
    {
      name: 'demo-coqui-stepwise-per-epoch',
      story: "Coqui StepwiseGradualLR written in steps, but scheduler_after_epoch=True steps it once per epoch",
      schedule: {
        name: 'StepwiseGradualLR',
        params: { gradual_learning_rates: [[0, 5e-4], [coqui[0], 4e-4], [coqui[1], 3e-4], [coqui[2], 2e-4]] },
        interval: 'step',
      },
      stepsPerEpoch: spe,
      config: { epochs: EPOCHS, lr_scheduler: 'StepwiseGradualLR', scheduler_after_epoch: true },
      counter: (_s, e) => e,
      loggedEpoch: intEpoch,
      expected: { flagged: true, causes: ['stepped_per_epoch', 'stuck'] },
    },
    {
      name: 'demo-steplr-never-stepped',
      story: 'StepLR(step_size=6 epochs) built, but scheduler.step() is never called',
      schedule: { name: 'StepLR', params: { step_size: 6, gamma: 0.5 }, interval: 'epoch', baseLr: 0.05 },
      stepsPerEpoch: spe,
      config: { epochs: EPOCHS, batch_size: 128, optimizer: 'SGD' },
      counter: () => 0,
      loggedEpoch: intEpoch,
      expected: { flagged: true, causes: ['never_stepped', 'stuck'] },
    },
    {
      name: 'demo-linear-grad-accum-4x',
      story: 'Hugging Face linear decay in a hand-written loop with gradient accumulation 4: scheduler.step() after every micro-batch',
      schedule: { name: 'linear', params: { num_warmup_steps: 0, num_training_steps: steps }, interval: 'step', baseLr: 2e-4 },
      stepsPerEpoch: spe,
      config: { max_steps: steps, gradient_accumulation_steps: 4 },
      counter: (s) => 4 * s,
      loggedEpoch: hfEpoch,
      expected: { flagged: true, causes: ['stepped_too_often'] },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Simulated training: the LR from the schedule engine, a loss that responds to it.

/** Small seeded PRNG (mulberry32): the same demo every time, so its test is deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimulatedRun {
  private readonly schedule: VerifiableSchedule;
  private readonly peak: number;
  private readonly rand: () => number;
  /** Learning done so far: the sum of LR/peak over steps, per step of the run. */
  private progress = 0;

  constructor(
    readonly scenario: Scenario,
    private readonly steps: number,
    seed: number,
  ) {
    const compiled = compileSchedule(scenario.schedule);
    if (!compiled.verifiable) throw new Error(`demo: ${scenario.schedule.name} must be verifiable`);
    this.schedule = compiled;
    let peak = 0;
    for (let n = 0; n <= steps; n += Math.max(1, Math.floor(steps / 500))) peak = Math.max(peak, compiled.lrAt(n));
    this.peak = peak;
    this.rand = random(seed);
  }

  /** The values a trainer would log at optimizer step `step`. */
  point(step: number): LogValues {
    const s = this.scenario;
    const epoch = Math.floor(step / s.stepsPerEpoch);
    const lr = this.schedule.lrAt(s.counter(step, epoch));
    const r = lr / this.peak;
    this.progress += r / this.steps;
    // Loss falls with the learning done; a higher LR keeps it on a noisier, higher plateau,
    // which is why a decay that never happens shows in the loss too.
    const learned = 1 - Math.exp(-4 * this.progress);
    const loss = (2.6 - 2.2 * learned + 0.45 * r * learned) * (1 + 0.04 * this.gaussian());
    const gradNorm = (0.4 + 1.6 * Math.exp(-3 * this.progress)) * (1 + 0.1 * this.gaussian());
    return { lr, loss: Math.max(0.01, loss), epoch: s.loggedEpoch(step, epoch), grad_norm: Math.abs(gradNorm) };
  }

  private gaussian(): number {
    const u = Math.max(this.rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rand());
  }
}

// ---------------------------------------------------------------------------------------------
// Options and the server to talk to.

interface DemoOptions {
  steps: number;
  rate: number;
  fast: boolean;
  apiOnly: boolean;
}

function parseOptions(args: string[]): DemoOptions {
  const opts: DemoOptions = { steps: 0, rate: 300, fast: false, apiOnly: false };
  const number = (flag: string, v: string | undefined, min: number, max: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${v ?? 'nothing'}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--fast') opts.fast = true;
    else if (a === '--api-only') opts.apiOnly = true;
    else if (a === '--steps') opts.steps = number('--steps', args[++i], EPOCHS * 10, 10_000_000);
    else if (a === '--rate') opts.rate = number('--rate', args[++i], 1, 1_000_000);
    else throw new UsageError(`unknown option "${a}"\n${USAGE}`);
  }
  opts.steps ||= opts.fast ? 2_400 : 24_000;
  return opts;
}

interface Target {
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

async function connect(io: CliIo, opts: DemoOptions): Promise<Target> {
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

// ---------------------------------------------------------------------------------------------
// Driving the runs live, and watching their verdicts.

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Logs every step of one run: at `rate` steps per second, or as fast as the client sends in --fast. */
async function train(run: RunLogger, sim: SimulatedRun, opts: DemoOptions): Promise<void> {
  const t0 = Date.now();
  let step = 0;
  while (step < opts.steps) {
    const target = opts.fast ? Math.min(opts.steps, step + 250) : Math.min(opts.steps, Math.floor(((Date.now() - t0) / 1000) * opts.rate) + 1);
    for (; step < target; step++) run.log(step, sim.point(step));
    // Yield as a real trainer does while it waits for its GPU: the client sends in the gaps.
    await (opts.fast ? new Promise((resolve) => setImmediate(resolve)) : pause(50));
  }
  await run.finish('finished');
}

interface Live {
  scenario: Scenario;
  run: RunLogger;
  id: number;
  last?: RunSummary;
  shown?: string;
}

function verdictText(run: RunSummary | undefined): string {
  const v = run?.verdict;
  if (!v) return 'waiting';
  if (v.kind !== 'flagged') return v.kind === 'unknown' ? 'waiting for points' : v.kind;
  return `FLAGGED at step ${formatStep(v.firstBadStep ?? 0)}: ${v.causes.join(', ')}`;
}

function statusLine(l: Live, steps: number, width: number): string {
  const r = l.last;
  const done = r?.lastStep == null ? 0 : r.lastStep + 1;
  const lr = r?.lastLr == null ? '—' : formatLr(r.lastLr);
  const loss = r?.lastLoss == null ? '—' : r.lastLoss.toFixed(3);
  return `  ${l.scenario.name.padEnd(width)}  ${formatStep(done).padStart(formatStep(steps).length)}/${formatStep(steps)} steps  lr ${lr.padEnd(9)} loss ${loss.padEnd(6)} ${verdictText(r)}`;
}

/** Polls runs.get: prints a run's verdict when it changes, and every run's status now and then. */
function watch(io: CliIo, client: LrscopeClient, runs: Live[], opts: DemoOptions, t0: number): { stop(): Promise<void> } {
  const width = Math.max(...runs.map((l) => l.scenario.name.length));
  const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s`;
  let stopped = false;
  let lastTable = Date.now();
  const poll = async () => {
    await Promise.all(
      runs.map(async (l) => {
        try {
          l.last = (await client.getRun(l.id)).run;
        } catch {
          // A missed poll is only a missed progress line; the next one catches up.
        }
      }),
    );
    for (const l of runs) {
      const text = verdictText(l.last);
      if (l.last && text !== l.shown && l.last.verdict.kind !== 'unknown') {
        io.stdout(`${elapsed()}  ${l.scenario.name.padEnd(width)}  ${text}\n`);
        l.shown = text;
      }
    }
    if (!opts.fast && Date.now() - lastTable >= 10_000) {
      lastTable = Date.now();
      io.stdout(`${elapsed()}  progress:\n${runs.map((l) => statusLine(l, opts.steps, width)).join('\n')}\n`);
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await pause(opts.fast ? 200 : 1000);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await poll();
    },
  };
}

function sameCauses(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function report(io: CliIo, runs: Live[], target: Target, opts: DemoOptions, seconds: number): boolean {
  const width = Math.max(...runs.map((l) => l.scenario.name.length));
  io.stdout(`\nlrscope demo: ${runs.length} runs of ${formatStep(opts.steps)} steps in ${seconds.toFixed(1)} s\n${runs.map((l) => statusLine(l, opts.steps, width)).join('\n')}\n`);
  let asExpected = true;
  const flagged = runs.filter((l) => l.last?.verdict.flagged);
  if (flagged.length > 0) io.stdout('\nFlagged:\n');
  // An API-only server the demo started is gone after the report: its pages are only paths.
  const page = (id: number) => (target.started && !target.started.pages ? `/runs/${id}` : target.client.runUrl(id));
  for (const l of flagged) io.stdout(`  ${l.scenario.name} (${page(l.id)})\n    ${l.scenario.story}.\n    lrscope: ${l.last!.verdict.message}\n`);
  for (const l of runs) {
    const v = l.last?.verdict;
    if (v && v.flagged === l.scenario.expected.flagged && sameCauses(v.causes, l.scenario.expected.causes)) continue;
    asExpected = false;
    io.stderr(`lrscope demo: ${l.scenario.name}: expected ${l.scenario.expected.flagged ? l.scenario.expected.causes.join(', ') : 'ok'}, got ${verdictText(l.last)}\n`);
  }
  const ids = runs.map((l) => l.id).join(',');
  if (target.started && !target.started.pages) {
    io.stdout(`\nThis server was API-only and stops now; \`npm run dev\` on the same DATABASE_URL shows the runs (compare: /compare?runs=${ids}).\n`);
  } else {
    io.stdout(`\nDashboard: ${target.dashboard}/   compare: ${target.dashboard}/compare?runs=${ids}\n`);
  }
  return asExpected;
}

/** The runs' ids, or why they could not be created: refused (reported by the client) or no server within 15 s. */
async function created(loggers: RunLogger[], url: string): Promise<number[] | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no lrscope server answered at ${url} within 15 s`), 15_000);
  });
  try {
    return await Promise.race([Promise.all(loggers.map((run) => run.runId)), timeout]);
  } catch (err) {
    return `cannot create the demo runs at ${url}: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

export const demo: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const opts = parseOptions(args);
  const target = await connect(io, opts);
  const { client } = target;
  try {
    const scenarios = demoScenarios(opts.steps);
    const loggers = scenarios.map((s) =>
      client.run(
        { name: s.name, schedule: s.schedule, stepsPerEpoch: s.stepsPerEpoch, config: s.config, tags: ['demo'] },
        { onError: (message) => io.stderr(`lrscope demo: ${message}\n`) },
      ),
    );
    const ids = await created(loggers, target.client.url);
    if (typeof ids === 'string') {
      io.stderr(`lrscope demo: ${ids}\n`);
      await Promise.all(loggers.map((run) => run.finish('crashed', 0)));
      return 1;
    }
    const runs: Live[] = scenarios.map((scenario, i) => ({ scenario, run: loggers[i], id: ids[i] }));
    const pace = opts.fast ? 'as fast as the server takes them' : `${formatStep(opts.rate)} steps/s each`;
    io.stdout(`lrscope demo: ${runs.length} runs of ${formatStep(opts.steps)} steps, ${pace}. Watch them live at ${target.dashboard}/\n`);
    for (const l of runs) io.stdout(`  #${l.id} ${l.scenario.name}: ${l.scenario.story}\n`);
    io.stdout('\n');

    const t0 = Date.now();
    const watcher = watch(io, client, runs, opts, t0);
    await Promise.all(runs.map((l, i) => train(l.run, new SimulatedRun(l.scenario, opts.steps, i + 1), opts)));
    await watcher.stop();
    const ok = report(io, runs, target, opts, (Date.now() - t0) / 1000);

    if (target.started?.pages) {
      io.stdout('The dashboard stays up until Ctrl-C.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
    return ok ? 0 : 1;
  } finally {
    await target.started?.stop();
  }
};
