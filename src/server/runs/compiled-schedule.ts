// One compiled schedule per distinct spec, shared by the chart, the live feed and the verdicts.
// Compiling is cheap, but schedules PyTorch computes recursively (SequentialLR, composites)
// cache their replayed sequence on the compiled object: recompiling per request or per batch
// would replay up to a million steps each time.
import { compileSchedule } from '@/lib/schedules';
import type { Schedule, ScheduleSpec } from '@/lib/schedules/types';

const CAPACITY = 256;
const cache = new Map<string, Schedule>();

export function compiledSchedule(spec: ScheduleSpec): Schedule {
  const key = JSON.stringify(spec);
  let schedule = cache.get(key);
  if (schedule) {
    cache.delete(key);
  } else {
    schedule = compileSchedule(spec);
    if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, schedule);
  return schedule;
}
