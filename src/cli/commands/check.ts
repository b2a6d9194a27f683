// `lrscope check FILE.json`: the verdict on a logged run, for CI or by hand. The file is read
// with the API's own schemas and turned into detector input by the server's own function, so
// its verdict is the server's for the same run.
// Exit 0 when the schedule takes effect, 1 when flagged, 2 on bad input.
import { z } from 'zod';
import { mergeOptimizers } from '@/lib/optimizers/run-optimizers';
import { runVerdict } from '@/lib/optimizers/run-verdict';
import { cadence, config, point, stepsPerEpoch } from '@/server/api/inputs';
import { optimizerSchedules, scheduleSpec } from '@/server/api/schedule-input';
import { type CliCommand, UsageError } from '../io';
import { readJsonInput } from '../read-json';

const USAGE =
  'usage: lrscope check FILE.json   (FILE holds { "schedule": {...}, "stepsPerEpoch"?: n, "config"?: {...}, "cadence"?: {...}, "optimizers"?: { [name]: { "schedule"?, "cadence"? } }, "points": [{ "step": 0, "lr": 0.1, "schedulerStep"?: 0, "metrics"?: {...} }, ...] }; - reads stdin)';

const runFile = z.strictObject({
  schedule: scheduleSpec,
  stepsPerEpoch: stepsPerEpoch.optional(),
  plannedSteps: z.number().int('must be an integer').positive('must be positive').optional(),
  config: config.optional(),
  cadence: cadence.optional(),
  optimizers: optimizerSchedules.optional(),
  points: z.array(point, { error: 'must be a list of points' }),
});

export const check: CliCommand = async (args, io) => {
  if (args.length !== 1 || args[0].startsWith('--')) throw new UsageError(USAGE);
  const run = await readJsonInput(args[0], io, runFile);
  const verdict = runVerdict({ ...run, optimizers: run.optimizers && mergeOptimizers(null, run.optimizers) });
  io.stdout(`${JSON.stringify(verdict, null, 2)}\n`);
  return verdict.flagged ? 1 : 0;
};
