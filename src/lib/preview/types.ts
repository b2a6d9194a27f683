// What the schedule preview takes (a config as the user has it, in their framework's terms) and
// what it gives (the curve the trainer will produce, and why). Pure types.
import type { Bucket } from '../downsample';
import type { Interval, ScheduleSpec } from '../schedules/types';

export type Framework = 'pytorch' | 'huggingface' | 'coqui' | 'lightning';

export const FRAMEWORKS: readonly { id: Framework; label: string; hint: string }[] = [
  { id: 'pytorch', label: 'PyTorch', hint: 'A scheduler class and its keyword arguments, as an lrscope schedule spec: {"name", "params", "interval", "baseLr"}.' },
  { id: 'huggingface', label: 'Hugging Face', hint: 'TrainingArguments fields: lr_scheduler_type, learning_rate, warmup_steps or warmup_ratio, max_steps or num_train_epochs, lr_scheduler_kwargs.' },
  { id: 'coqui', label: 'Coqui', hint: 'Trainer config fields: lr, lr_scheduler, lr_scheduler_params, scheduler_after_epoch (and epochs).' },
  { id: 'lightning', label: 'Lightning', hint: 'Saved hyperparameters (hparams.yaml, LightningCLI config.yaml) as JSON: lr_scheduler {class_path, init_args, interval}, optimizer {class_path, init_args: {lr}}.' },
];

export interface PreviewInput {
  framework: Framework;
  /** The config as pasted: JSON text. */
  config: string;
  /** Optimizer steps per epoch, as typed. */
  stepsPerEpoch: string;
  /** Epochs to preview, as typed (a config's own run length wins). */
  epochs: string;
}

export type PreviewField = 'config' | 'stepsPerEpoch' | 'epochs';

/** A problem shown next to the field it belongs to. */
export interface PreviewError {
  field: PreviewField;
  message: string;
}

/** The run's length in optimizer steps, and which config field set it (null: the form's epochs). */
export interface RunLength {
  stepsPerEpoch: number;
  epochs: number;
  totalSteps: number;
  from: string | null;
}

/** A vertical marker on the chart. */
export interface Marker {
  step: number;
  label: string;
}

export interface PreviewOk {
  ok: true;
  framework: Framework;
  /** The schedule as the user meant it (its interval is the intended one): what a run should be checked against. */
  spec: ScheduleSpec;
  intended: Interval;
  /** How often the trainer will really call scheduler.step(). */
  actual: Interval;
  /** Who steps the scheduler how often, in the framework's words. */
  cadence: string;
  /** How to get the intended curve, when the trainer will not produce it. */
  fix?: string;
  run: RunLength;
  /** Undefined for a schedule lrscope cannot compute (ReduceLROnPlateau, LambdaLR): the reason instead. */
  unverifiable?: string;
  /** ≤ 2,000 buckets each; `intended` only when it differs from `actual`. */
  curves: { actual: Bucket[]; intended?: Bucket[] };
  /** Optimizer steps per bucket. */
  bucket: number;
  /** The produced LR at the first and last optimizer step, and its range over the run. */
  lr: { start: number; end: number; min: number; max: number };
  /** Optimizer step of the first LR change, on each clock (undefined: none within the scan). */
  firstChange: { intended?: number; actual?: number };
  markers: Marker[];
  /** The detector's plausibility warnings for this plan. */
  warnings: string[];
  /** Defaults applied and values derived, in words. */
  notes: string[];
}

export interface PreviewFailed {
  ok: false;
  errors: PreviewError[];
}

export type PreviewResult = PreviewOk | PreviewFailed;

export type { Bucket, Interval, ScheduleSpec };
