// `lrscope demo` (`npm run demo`): five simulated training runs sent live through the public
// API with the TypeScript client — two whose schedule takes effect and three with the classic
// mistakes — so the dashboard has something to show and the detector something to catch.
// The pieces are in src/cli/demo/.
import type { RunLogger } from '@/client/run-logger';
import { formatStep } from '@/lib/ui/format';
import { type DemoOptions, parseOptions, USAGE } from '../demo/options';
import { demoScenarios } from '../demo/scenarios';
import { SimulatedRun } from '../demo/simulated-run';
import { connect } from '../demo/target';
import { type Live, pause, report, watch } from '../demo/watch';
import type { CliCommand } from '../io';

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
