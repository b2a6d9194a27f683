// A framework's config → the schedule to check and how the trainer will step it. One translation,
// used by the preview page (a pasted config) and by the server's log-directory mode (the config a
// trainer wrote beside its logs), so both read a config the same way.
import { compileSchedule, parseSchedule, ScheduleSpecError } from '../schedules';
import type { Interval, Schedule, ScheduleSpec } from '../schedules/types';
import { ConfigError } from './config-error';
import { fromCoqui } from './from-coqui';
import { fromHuggingface } from './from-huggingface';
import { fromLightning } from './from-lightning';
import { fromPytorch } from './from-pytorch';
import type { Cadence, FormRun } from './translation';
import type { Framework, RunLength } from './types';

export type ConfigFramework = Framework;

const TRANSLATORS = { pytorch: fromPytorch, huggingface: fromHuggingface, coqui: fromCoqui, lightning: fromLightning };

export interface TranslatedSchedule {
  /** The schedule as the user meant it: its interval is the intended one. What a run is checked against. */
  spec: ScheduleSpec;
  /** The spec compiled without an interval (its own design cadence). */
  schedule: Schedule;
  intended: Interval;
  /** How often the trainer really calls scheduler.step(). */
  actual: Interval;
  cadence: Cadence;
  run: RunLength;
  notes: string[];
}

/** Throws ConfigError naming the config's own field (a spec error is mapped back to it). */
export function translateConfig(framework: ConfigFramework, config: Record<string, unknown>, form: FormRun): TranslatedSchedule {
  const translation = TRANSLATORS[framework](config, form);
  let spec: ScheduleSpec;
  try {
    spec = parseSchedule(translation.spec);
  } catch (err) {
    if (err instanceof ScheduleSpecError) throw new ConfigError(translation.configPath(err.path), err.rule);
    throw err;
  }
  const schedule = compileSchedule({ ...spec, interval: undefined });
  const design: Interval | 'either' = schedule.verifiable ? schedule.designInterval : 'either';
  const cadence = translation.cadence(design);
  const actual = cadence.actual;
  const intended: Interval = design === 'step' ? 'step' : actual;
  return { spec: { ...spec, interval: intended }, schedule, intended, actual, cadence, run: translation.run, notes: translation.notes };
}
