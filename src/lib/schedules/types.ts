// The schedule-spec contract (docs/architecture.md, "Schedule spec") and the compiled form the
// detector and the pages consume. Pure types: no I/O.

export type Interval = 'step' | 'epoch';

/** What a user configured, in their framework's own names. */
export interface ScheduleSpec {
  /** PyTorch class name, Hugging Face `lr_scheduler_type`, or Coqui class name. */
  name: string;
  /** The constructor's own keyword names; SequentialLR/ChainedScheduler take `schedulers: [spec, ...]`. */
  params: Record<string, unknown>;
  /** How often the user meant `scheduler.step()` to run. */
  interval?: Interval;
  /** scheduler.step() is meant to run every `frequency` intervals (Lightning's frequency); 1 when absent. */
  frequency?: number;
  /** The optimizer's initial LR for param group 0 (η0). */
  baseLr?: number;
}

/** A schedule whose LR can be computed from the step count alone. */
export interface VerifiableSchedule {
  readonly verifiable: true;
  readonly spec: ScheduleSpec;
  /** The LR after `scheduler.step()` has run n times (n = 0 right after construction), as the framework computes it. */
  lrAt(n: number): number;
  /** The LR after scheduler.step(epoch) at a fractional epoch (PyTorch's documented use of CosineAnnealingWarmRestarts); only where PyTorch supports it. */
  lrAtEpoch?(epoch: number): number;
  /**
   * The cadence the schedule is written for: 'step' for schedules that are step-based by design
   * (OneCycleLR, CyclicLR, every Hugging Face schedule, Coqui's), 'either' for the ambiguous ones
   * (StepLR, MultiStepLR, ...). The spec's own `interval` wins over this when present.
   */
  readonly designInterval: Interval | 'either';
  /** Last n the framework allows (OneCycleLR raises past total_steps); undefined when unbounded. */
  readonly lastStep?: number;
}

/** A schedule whose LR depends on user code or on metrics (LambdaLR, ReduceLROnPlateau, ...). */
export interface UnverifiableSchedule {
  readonly verifiable: false;
  readonly spec: ScheduleSpec;
  /** Why the LR cannot be predicted, in words a user understands. */
  readonly reason: string;
}

export type Schedule = VerifiableSchedule | UnverifiableSchedule;

/** A spec that does not parse: `path` names the offending field (e.g. "params.milestones[1]"). */
export class ScheduleSpecError extends Error {
  constructor(
    readonly path: string,
    readonly rule: string,
  ) {
    super(path ? `${path}: ${rule}` : rule);
    this.name = 'ScheduleSpecError';
  }
}
