// `lrscope expected SPEC.json --steps N`: what a schedule will do, before training starts.
import { z } from 'zod';
import { compileSchedule } from '@/lib/schedules';
import { scheduleSpec } from '@/server/api/schedule-input';
import { type CliCommand, UsageError } from '../io';
import { readJsonInput } from '../read-json';

const USAGE = 'usage: lrscope expected SPEC.json --steps N   (prints n,lr for n = 0..N-1 as CSV; SPEC is a schedule spec or a run file with "schedule")';
const MAX_STEPS = 10_000_000;

// A bare spec, or a run file as `lrscope check` reads it.
const specFile = z.preprocess((v) => (v !== null && typeof v === 'object' && 'schedule' in v ? v.schedule : v), scheduleSpec);

export const expected: CliCommand = async (args, io) => {
  const at = args.indexOf('--steps');
  const files = args.filter((_, i) => i !== at && i !== at + 1);
  if (at < 0 || files.length !== 1) throw new UsageError(USAGE);
  const steps = Number(args[at + 1]);
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) throw new UsageError(`--steps: must be an integer from 1 to ${MAX_STEPS.toLocaleString('en-US')}`);
  const schedule = compileSchedule(await readJsonInput(files[0], io, specFile));
  if (!schedule.verifiable) throw new UsageError(`${schedule.spec.name} cannot be previewed: ${schedule.reason}`);
  const lines = ['n,lr'];
  for (let n = 0; n < steps; n++) lines.push(`${n},${schedule.lrAt(n)}`);
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
};
