// The schedule of a run folder, read from what the trainer left beside its logs — no code:
//   lrscope.json      a schedule spec (or { schedule, stepsPerEpoch }) a user drops in; wins over the rest
//   config.json       Coqui's trainer config (lr, lr_scheduler, lr_scheduler_params, scheduler_after_epoch)
//   TrainingArguments Hugging Face's, as the Trainer's TensorBoard callback writes them (text "args"),
//                     with trainer_state.json's max_steps when the arguments train by epochs
//   hparams.yaml / config.yaml  Lightning's saved hyperparameters (lr_scheduler, optimizer)
// The configs go through the same translation as the preview page (translateConfig).
import { ConfigError } from '../preview/config-error';
import { type ConfigFramework, translateConfig } from '../preview/translate';
import { FieldError } from '../preview/run-length';
import { parseSchedule, ScheduleSpecError } from '../schedules';
import type { ScheduleSpec } from '../schedules/types';
import { coquiGan, isCoquiGan } from './coqui-gan';
import { parseYaml } from './yaml';

/** Config files looked for in a run folder and the folders above it (the nearest wins). */
export const CONFIG_FILES = ['lrscope.json', 'config.json', 'trainer_state.json', 'hparams.yaml', 'config.yaml'] as const;
export type ConfigFile = (typeof CONFIG_FILES)[number];

export interface FolderFacts {
  /** Config file texts by name. */
  files: Partial<Record<ConfigFile, string>>;
  /** Text summaries from the run's event files, by tag. */
  texts: ReadonlyMap<string, string>;
  /** Optimizer steps per epoch, as the logs show it (undefined until they do). */
  stepsPerEpoch?: number;
}

export interface FolderSchedule {
  spec?: ScheduleSpec;
  stepsPerEpoch?: number;
  /** Where the schedule was read from, e.g. "config.json (Coqui)"; undefined when none was found. */
  from?: string;
  /** The cadence in the framework's words ("Coqui steps the scheduler once per epoch: ..."). */
  cadence?: string;
  /** A run with several optimizers (Coqui's GANs): each one's schedule, when it is known for certain; `spec` is the first's. */
  optimizers?: { name: string; spec?: ScheduleSpec }[];
  notes: string[];
  /** A config that was found but could not be read, by file. */
  problems: { file: string; message: string }[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function json(text: string): unknown {
  return JSON.parse(text);
}

/** The TrainingArguments text (torch and tensorboardX name add_text("args") "args/text_summary"). */
function trainingArguments(texts: ReadonlyMap<string, string>): Record<string, unknown> | undefined {
  for (const [tag, text] of texts) {
    if (tag !== 'args' && tag !== 'args/text_summary') continue;
    try {
      const v = json(text);
      if (isObject(v) && ('lr_scheduler_type' in v || 'learning_rate' in v)) return v;
    } catch {
      // Not the Trainer's JSON: some other "args" text.
    }
  }
  return undefined;
}

function isCoqui(c: Record<string, unknown>): boolean {
  return 'lr_scheduler' in c || 'scheduler_after_epoch' in c || isCoquiGan(c);
}

function isLightning(c: Record<string, unknown>): boolean {
  return 'lr_scheduler' in c || 'scheduler' in c;
}

type Candidate = { file: string; framework: ConfigFramework | 'spec'; read: () => Record<string, unknown> };

function candidates(facts: FolderFacts, problems: FolderSchedule['problems']): Candidate[] {
  const out: Candidate[] = [];
  const parsed = (file: ConfigFile, parse: (t: string) => unknown): Record<string, unknown> | undefined => {
    const text = facts.files[file];
    if (text === undefined) return undefined;
    try {
      const v = parse(text);
      if (isObject(v)) return v;
      problems.push({ file, message: 'must hold an object of settings' });
    } catch (err) {
      problems.push({ file, message: `cannot be read: ${(err as Error).message}` });
    }
    return undefined;
  };
  const spec = parsed('lrscope.json', json);
  if (spec) out.push({ file: 'lrscope.json', framework: 'spec', read: () => spec });
  const coqui = parsed('config.json', json);
  if (coqui && isCoqui(coqui)) out.push({ file: 'config.json (Coqui)', framework: 'coqui', read: () => coqui });
  const args = trainingArguments(facts.texts);
  if (args) {
    const state = parsed('trainer_state.json', json);
    const maxSteps = typeof args.max_steps === 'number' && args.max_steps > 0 ? args.max_steps : state?.max_steps;
    out.push({ file: 'TrainingArguments (Hugging Face)', framework: 'huggingface', read: () => ({ ...args, ...(typeof maxSteps === 'number' && maxSteps > 0 && { max_steps: maxSteps }) }) });
  }
  for (const file of ['hparams.yaml', 'config.yaml'] as const) {
    const hp = parsed(file, parseYaml);
    if (hp && isLightning(hp)) out.push({ file: `${file} (Lightning)`, framework: 'lightning', read: () => hp });
  }
  return out;
}

/** Names for the optimizers a log numbers (Coqui's current_lr_0 → "disc"), from config.json where it tells for certain. */
export function optimizerNames(files: FolderFacts['files']): Record<string, string> {
  const text = files['config.json'];
  if (text === undefined) return {};
  try {
    const config = json(text);
    return isObject(config) ? coquiGan(config)?.names ?? {} : {};
  } catch {
    return {};
  }
}

export function folderSchedule(facts: FolderFacts): FolderSchedule {
  const problems: FolderSchedule['problems'] = [];
  const found = candidates(facts, problems);
  if (found.length === 0) return { notes: [], problems };
  const c = found[0];
  const config = c.read();
  try {
    if (c.framework === 'spec') {
      const raw = isObject(config.schedule) ? config.schedule : config;
      const spe = config.stepsPerEpoch;
      return { spec: parseSchedule(raw), stepsPerEpoch: typeof spe === 'number' && Number.isInteger(spe) && spe > 0 ? spe : facts.stepsPerEpoch, from: c.file, notes: [], problems };
    }
    if (c.framework === 'coqui' && isCoquiGan(config)) return ganSchedule(config, c.file, facts.stepsPerEpoch, problems);
    // The length of the run only matters to the Hugging Face schedules that train by epochs.
    const needsLength = c.framework === 'huggingface' && !(typeof config.max_steps === 'number' && config.max_steps > 0);
    if (needsLength && facts.stepsPerEpoch === undefined) {
      return { from: c.file, notes: ['the run trains by epochs: its schedule is known once the logs show how many steps an epoch has'], problems };
    }
    const t = translateConfig(c.framework, config, { stepsPerEpoch: facts.stepsPerEpoch ?? 1, epochs: 1 });
    return { spec: t.spec, stepsPerEpoch: facts.stepsPerEpoch, from: c.file, cadence: t.cadence.text, notes: t.notes, problems };
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ScheduleSpecError || err instanceof FieldError) {
      problems.push({ file: c.file, message: err.message });
      return { from: c.file, notes: [], problems };
    }
    throw err;
  }
}

/** A Coqui GAN config: each optimizer's schedule through the same translation, where coqui-gan.ts knows it for certain. */
function ganSchedule(config: Record<string, unknown>, from: string, stepsPerEpoch: number | undefined, problems: FolderSchedule['problems']): FolderSchedule {
  const gan = coquiGan(config)!;
  const notes = [...gan.notes];
  let cadence: string | undefined;
  const optimizers = gan.optimizers.map((o) => {
    if (!o.config) return { name: o.name };
    try {
      const t = translateConfig('coqui', o.config, { stepsPerEpoch: stepsPerEpoch ?? 1, epochs: 1 });
      // One scheduler_after_epoch for both: one cadence.
      cadence ??= t.cadence.text;
      notes.push(...t.notes.map((n) => `optimizer ${o.name}: ${n}`));
      return { name: o.name, spec: t.spec };
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof ScheduleSpecError || err instanceof FieldError)) throw err;
      // The one-optimizer names (lr_scheduler, lr) back to the config's own (lr_scheduler_disc, lr_disc).
      const message = err.message.replace(/\b(lr_scheduler_params|lr_scheduler|lr)\b/g, (field) => (field === 'lr' ? `lr_${o.name}` : `${field.replace('lr_scheduler', `lr_scheduler_${o.name}`)}`));
      problems.push({ file: from, message });
      return { name: o.name };
    }
  });
  return { spec: optimizers[0].spec, stepsPerEpoch, from, cadence, optimizers, notes, problems };
}
