// The one registry: scheduler name (as the user's framework spells it) → its definition.
import { NoamLR, StepwiseGradualLR } from './coqui';
import type { Definition, Family } from './definition';
import { HUGGING_FACE } from './huggingface';
import { ChainedScheduler, SequentialLR } from './torch/composite';
import { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './torch/cosine';
import { CyclicLR } from './torch/cyclic';
import { ConstantLR, LinearLR, PolynomialLR } from './torch/factor-ramps';
import { OneCycleLR } from './torch/one-cycle';
import { ExponentialLR, MultiStepLR, StepLR } from './torch/step-decay';
import { LambdaLR, MultiplicativeLR, ReduceLROnPlateau } from './torch/unverifiable';

const DEFINITIONS: readonly Definition[] = [
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  CosineAnnealingWarmRestarts,
  OneCycleLR,
  CyclicLR,
  LinearLR,
  ConstantLR,
  PolynomialLR,
  SequentialLR,
  ChainedScheduler,
  ReduceLROnPlateau,
  LambdaLR,
  MultiplicativeLR,
  ...HUGGING_FACE,
  StepwiseGradualLR,
  NoamLR,
];

export const REGISTRY: ReadonlyMap<string, Definition> = new Map(DEFINITIONS.map((d) => [d.name, d]));

/** Every scheduler name a spec may use: PyTorch classes, Hugging Face lr_scheduler_type values, Coqui classes. */
export const SCHEDULE_NAMES: readonly string[] = DEFINITIONS.map((d) => d.name);

/** The names grouped by the framework that defines them, for pickers and help text. */
export const SCHEDULE_FAMILIES: Readonly<Record<Family, readonly string[]>> = {
  pytorch: DEFINITIONS.filter((d) => d.family === 'pytorch').map((d) => d.name),
  huggingface: DEFINITIONS.filter((d) => d.family === 'huggingface').map((d) => d.name),
  coqui: DEFINITIONS.filter((d) => d.family === 'coqui').map((d) => d.name),
};
