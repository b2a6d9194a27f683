// Watching the runs' verdicts while they train, and the report at the end.
import type { LrscopeClient } from '@/client/lrscope-client';
import type { RunLogger } from '@/client/run-logger';
import type { RunSummary } from '@/client/wire-types';
import { formatLr, formatStep } from '@/lib/ui/format';
import type { CliIo } from '../io';
import type { DemoOptions } from './options';
import type { Scenario } from './scenarios';
import type { Target } from './target';

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Live {
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
export function watch(io: CliIo, client: LrscopeClient, runs: Live[], opts: DemoOptions, t0: number): { stop(): Promise<void> } {
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

export function report(io: CliIo, runs: Live[], target: Target, opts: DemoOptions, seconds: number): boolean {
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
