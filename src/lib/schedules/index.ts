// The schedule engine: what LR a configured schedule prescribes after n scheduler steps.
// Pure: no I/O. Formulas and quirks: docs/schedules.md; ground truth: test/fixtures/schedules.
export { parseSchedule } from './parse-schedule';
export { compileSchedule } from './compile-schedule';
export { SCHEDULE_NAMES, SCHEDULE_FAMILIES } from './registry';
export type { Family } from './definition';
export { ScheduleSpecError } from './types';
export type { Interval, Schedule, ScheduleSpec, UnverifiableSchedule, VerifiableSchedule } from './types';
