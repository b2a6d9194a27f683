// What the registry holds for each scheduler name, and what a spec compiles to.
import type { ParamSchema, ParamValues } from './params';
import type { ParamGroup, Steppable } from './torch/scheduler';
import type { Interval, ScheduleSpec } from './types';

export type Family = 'pytorch' | 'huggingface' | 'coqui';
export type DesignInterval = Interval | 'either';

/** A spec compiled into something that can be evaluated alone or run inside a PyTorch composite. */
export interface Evaluable {
  readonly kind: 'verifiable';
  /** The LR after n calls to step() when this schedule drives the optimizer alone; n is an integer in [0, lastStep]. */
  lrAt(n: number): number;
  /** lrAt also gives the LR after scheduler.step(epoch) at a fractional epoch, as PyTorch computes it. */
  readonly fractional?: boolean;
  readonly lastStep?: number;
  readonly designInterval: DesignInterval;
  /**
   * Builds the scheduler on an optimizer group it shares with others, as PyTorch would
   * (SequentialLR and ChainedScheduler children see each other's writes to the group).
   */
  construct(group: ParamGroup): Steppable;
}

export interface NotEvaluable {
  readonly kind: 'unverifiable';
  readonly reason: string;
}

export type Compiled = Evaluable | NotEvaluable;

export interface CheckContext {
  /** Path of the params object, e.g. "params" or "params.schedulers[1].params". */
  readonly path: string;
  /** η0: the spec's own baseLr, or for a child its parent's. */
  readonly baseLr: number | undefined;
}

export interface BaseLrContext {
  needsBaseLr(spec: ScheduleSpec): boolean;
}

export interface CompileContext {
  /** η0, NaN when the spec has none (then no value may depend on it). */
  readonly baseLr: number;
  compileChild(spec: ScheduleSpec): Compiled;
}

export interface Definition<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  readonly family: Family;
  readonly params: S;
  /** Rules across keywords, and values the framework accepts and then crashes on. */
  check?(p: ParamValues<S>, ctx: CheckContext): void;
  /** Whether the LR depends on η0; false for schedules that carry absolute rates. */
  needsBaseLr(p: ParamValues<S>, ctx: BaseLrContext): boolean;
  compile(p: ParamValues<S>, ctx: CompileContext): Compiled;
}

/** Erases a definition's parameter types so the registry can hold them side by side. */
export function define<S extends ParamSchema>(def: Definition<S>): Definition {
  return def as unknown as Definition;
}

export const always = (): boolean => true;
export const never = (): boolean => false;
