// How long the previewed run is: optimizer steps per epoch and epochs from the form, unless the
// config sets its own length (Hugging Face max_steps / num_train_epochs, Coqui epochs).
import { formatStep } from '../ui/format';
import { ConfigError } from './config-error';
import type { RunLength } from './types';

/** Every scheduler value is evaluated (about 0.1 s per million steps in a browser): beyond this an edit would stall the page. */
export const MAX_PREVIEW_STEPS = 5_000_000;

/** A problem with one of the form's own fields. */
export class FieldError extends Error {
  constructor(
    readonly field: 'stepsPerEpoch' | 'epochs',
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
}

export function readStepsPerEpoch(text: string): number {
  const t = text.trim();
  if (t === '') throw new FieldError('stepsPerEpoch', 'required: optimizer steps in one epoch (batches ÷ gradient accumulation)');
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < 1) throw new FieldError('stepsPerEpoch', `must be a whole number ≥ 1, got ${t}`);
  return n;
}

/** The form's epochs, or undefined when left empty (a config may set its own). */
export function readEpochs(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) throw new FieldError('epochs', `must be a number > 0, got ${t}`);
  return n;
}

/** A length in epochs; `from` names the config field that set it (null: the form). */
export function lengthInEpochs(stepsPerEpoch: number, epochs: number | undefined, from: string | null): RunLength {
  if (epochs === undefined) throw new FieldError('epochs', 'required: how many epochs to preview');
  return { stepsPerEpoch, epochs, totalSteps: Math.ceil(epochs * stepsPerEpoch), from };
}

/** A length in optimizer steps set by a config field (Hugging Face max_steps). */
export function lengthInSteps(stepsPerEpoch: number, totalSteps: number, from: string): RunLength {
  return { stepsPerEpoch, epochs: totalSteps / stepsPerEpoch, totalSteps, from };
}

/** A run the preview can draw; throws naming the field that made it too long. (Log-directory mode has no such limit.) */
export function checkLength(run: RunLength): void {
  if (run.totalSteps <= MAX_PREVIEW_STEPS) return;
  const rule = `makes ${formatStep(run.totalSteps)} optimizer steps; the preview covers at most ${formatStep(MAX_PREVIEW_STEPS)}`;
  if (run.from) throw new ConfigError(run.from, rule);
  throw new FieldError('epochs', `${formatStep(run.epochs)} epochs × ${formatStep(run.stepsPerEpoch)} steps ${rule}`);
}
