// A schedule spec from a trainer is checked by the schedule engine's own parser, so the API
// and `lrscope check` reject the same specs with the same messages.
import { z } from 'zod';
import { parseSchedule } from '@/lib/schedules';
import { ScheduleSpecError } from '@/lib/schedules/types';
import { cadence, perOptimizer } from './inputs';

function toPath(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
}

export const scheduleSpec = z.unknown().transform((value, ctx) => {
  try {
    return parseSchedule(value);
  } catch (err) {
    if (!(err instanceof ScheduleSpecError)) throw err;
    ctx.addIssue({ code: 'custom', message: err.rule, path: toPath(err.path) });
    return z.NEVER;
  }
});

/** runs.create/update `optimizers`: each optimizer's own schedule and observed cadence. */
export const optimizerSchedules = perOptimizer(
  z.strictObject(
    { schedule: scheduleSpec.optional(), cadence: cadence.optional() },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s) ${iss.keys.join(', ')}; an optimizer has schedule, cadence` : 'must be an object { schedule?, cadence? }') },
  ),
);
