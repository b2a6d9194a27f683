// Decides whether a run's logged LR follows its configured schedule, and if not, why.
//
// The intended hypothesis (the schedule on the clock the user meant) is checked point by point
// as batches arrive, costing O(batch). At its first point it cannot explain, even allowing one
// optimizer step of slack for logging before/after scheduler.step(), the run is flagged, and the
// alternative hypotheses (another clock, flat, restarted, overridden) are fitted to the whole
// series once and then fed incrementally; the ones that explain every point name the cause.
import { intendedInterval } from '../expected-lr';
import type { Schedule, VerifiableSchedule } from '../schedules/types';
import type { ObservedCadence, Verdict } from '../verdict';
import { explainFlag, explainOk, type Finding } from './explain';
import { FollowsMapping, Flat, fitAt, Overridden, Restarts, type Hypothesis, type LrAt } from './hypotheses';
import { perEpochOfLength, perLoggedEpoch, perStep, type Mapping } from './mapping';
import { PlateauDetector, recordsSchedulerMetric } from './plateau';
import { plateauWarnings } from './plateau-warnings';
import { firstChange, observedGap, planWarnings } from './plausibility';
import { Series, type LoggedPoint } from './series';
import { close, PRECISION_SAMPLE, toleranceFor, type Tolerance } from './tolerance';

export interface DetectorOptions {
  schedule: Schedule;
  stepsPerEpoch?: number;
  /** What the Python client observed of scheduler.step() calls. */
  cadence?: ObservedCadence;
  /** Optimizer steps the run is planned to take, for plausibility warnings. */
  plannedSteps?: number;
}

export interface Detector {
  add(points: readonly LoggedPoint[]): void;
  verdict(): Verdict;
  /** Points with an LR seen so far. */
  readonly size: number;
}

/** Ratios k tried for "stepped k× per optimizer step" (gradient accumulation factors in use). */
const TOO_OFTEN = [2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64];

export function createDetector(options: DetectorOptions): Detector {
  const { schedule } = options;
  if (!schedule.verifiable) {
    if (recordsSchedulerMetric(schedule.spec, options.cadence)) return new PlateauDetector({ spec: schedule.spec, stepsPerEpoch: options.stepsPerEpoch, cadence: options.cadence });
    const warnings = plateauWarnings(schedule.spec, options.stepsPerEpoch, options.cadence);
    const verdict: Verdict = { kind: 'unverifiable', flagged: false, unverifiable: true, causes: [], message: schedule.reason, warnings };
    return { add() {}, verdict: () => ({ ...verdict, warnings: [...warnings] }), size: 0 };
  }
  return new VerifiableDetector(schedule, options);
}

/** One-shot: the verdict on a whole series. */
export function detect(options: DetectorOptions & { points: readonly LoggedPoint[] }): Verdict {
  const detector = createDetector(options);
  detector.add(options.points);
  return detector.verdict();
}

interface Alternatives {
  onEpochs?: FollowsMapping;
  onSteps?: FollowsMapping;
  tooOften: FollowsMapping[];
  flat: Flat;
  restarts: Restarts;
  overridden: Overridden;
}

class VerifiableDetector implements Detector {
  private readonly series = new Series();
  private readonly f: LrAt;
  private readonly cadence?: ObservedCadence;
  private readonly interval;
  /** The clock the user meant; for an epoch schedule it depends on the points, so reset() sets it. */
  private intended: Mapping | undefined;
  private changeCache: { n: number | undefined } | undefined;

  // State of the evaluation, rebuilt by reset().
  private evaluated = 0;
  private tol: Tolerance = { rtol: 1e-3, atol: 0 };
  private scale = 1;
  private scaleKnown = false;
  private runStart = -1;
  private firstMiss = -1;
  private firstBad = -1;
  private softBefore = 0;
  private softAfter = 0;
  private alternatives: Alternatives | undefined;
  /** Alternatives in the order finding() consults them; a flat run is judged with the clocks beside it. */
  private groups: Hypothesis[][] = [];

  constructor(
    private readonly schedule: VerifiableSchedule,
    private readonly options: DetectorOptions,
  ) {
    this.f = (n) => schedule.lrAt(n);
    this.cadence = options.cadence;
    this.interval = intendedInterval(schedule);
  }

  get size(): number {
    return this.series.length;
  }

  add(points: readonly LoggedPoint[]): void {
    this.series.append(points);
  }

  verdict(): Verdict {
    this.catchUp();
    const s = this.series;
    const plan = { interval: this.interval, stepsPerEpoch: this.options.stepsPerEpoch, plannedSteps: this.options.plannedSteps, cadence: this.cadence };
    const warnings = planWarnings(this.schedule, plan, () => this.change());
    if (s.length === 0) return { kind: 'unknown', flagged: false, causes: [], message: 'Not checked yet: waiting for points with an LR.', warnings };
    if (!this.intended) {
      return {
        kind: 'unverifiable',
        flagged: false,
        unverifiable: true,
        causes: [],
        message: `${this.schedule.spec.name} is stepped once per epoch here, and lrscope does not know how long an epoch is: send stepsPerEpoch with the run, or epoch with each point, to check it.`,
        warnings,
      };
    }
    if (this.scaleKnown && this.scale !== 1) {
      warnings.push(`The logged LR is ${fmt(this.scale)}× what the schedule gives for baseLr ${fmt(this.schedule.spec.baseLr ?? this.f(0))}: check baseLr in the spec, or that the logged LR is param group 0's.`);
    }
    if (this.firstMiss < 0) {
      if (this.softBefore + this.softAfter >= 2) {
        warnings.push(
          this.softAfter >= this.softBefore
            ? 'The LR runs one step ahead of the schedule: scheduler.step() is probably called before optimizer.step(), or the LR is read after it. Harmless, but PyTorch warns about it.'
            : 'The LR lags the schedule by one step: it is probably read before scheduler.step() runs. Harmless.',
        );
      }
      return explainOk(this.schedule, { points: s.length, lastStep: s.steps[s.length - 1], interval: this.interval, firstChange: this.changeStep() }, dedupe(warnings));
    }
    return explainFlag(this.schedule, this.finding(), dedupe(warnings));
  }

  /** Feeds the points not yet evaluated; starts over when the series was re-sorted or its precision is still being learned. */
  private catchUp(): void {
    const s = this.series;
    const learning = this.evaluated < PRECISION_SAMPLE && s.length > this.evaluated;
    if (!s.sorted || learning) {
      s.sort();
      this.reset();
    }
    if (!this.intended) return;
    for (let i = this.evaluated; i < s.length && !this.alternatives; i++) this.feedIntended(i);
    if (this.alternatives) this.advance(s.length - 1);
    this.evaluated = s.length;
  }

  private reset(): void {
    const s = this.series;
    this.evaluated = 0;
    this.intended = this.interval === 'step' ? perStep(1) : this.epochClock(false);
    this.tol = toleranceFor(s.lrs, Math.min(s.length, PRECISION_SAMPLE), Math.max(Math.abs(this.f(0)), this.schedule.spec.baseLr ?? 0));
    this.scale = 1;
    this.scaleKnown = false;
    this.runStart = -1;
    this.firstMiss = -1;
    this.firstBad = -1;
    this.softBefore = 0;
    this.softAfter = 0;
    this.alternatives = undefined;
    this.groups = [];
  }

  private feedIntended(i: number): void {
    const s = this.series;
    const map = this.intended!;
    if (!this.scaleKnown) this.learnScale(i);
    const fit = fitAt(this.f, map, this.scale, this.tol, s.steps[i], s.epochs[i], s.lrs[i]);
    if (fit === 'skip') return;
    if (fit === 'strict') {
      this.runStart = -1;
      return;
    }
    if (this.runStart < 0) this.runStart = i;
    if (fit === 'soft') {
      if (close(s.lrs[i], this.scale * this.f(Math.max(0, map.at(s.steps[i], s.epochs[i], 1))), this.tol)) this.softAfter++;
      else this.softBefore++;
      return;
    }
    this.firstMiss = i;
    this.firstBad = this.runStart;
    this.alternatives = this.buildAlternatives(i);
  }

  /**
   * A spec whose baseLr differs from the optimizer's (a hand-written spec, several groups)
   * should still have its schedule's shape checked, with the difference reported as a warning.
   * The scale is read from the first point, and only where the schedule is locally flat: on a
   * slope (a warm-up from zero) "4× the LR" and "4× the steps" look the same, and a shifted
   * clock must stay unscaled so the hypotheses can name it.
   */
  private learnScale(i: number): void {
    const s = this.series;
    const map = this.intended!;
    const n = Math.max(0, map.at(s.steps[i], s.epochs[i], 0));
    const expected = this.f(n);
    this.scaleKnown = true;
    if (!(expected > 0) || !(s.lrs[i] > 0)) return;
    const flat = [this.f(Math.max(0, n - 1)), this.f(n + 1)].every((v) => Math.abs(v - expected) <= 1e-12 * expected);
    const ratio = s.lrs[i] / expected;
    if (flat && Math.abs(ratio - 1) >= 0.01) this.scale = ratio;
  }

  private buildAlternatives(firstMiss: number): Alternatives {
    const map = this.intended!;
    const { f, scale, tol } = this;
    const alt: Alternatives = {
      tooOften: [],
      flat: new Flat(tol),
      restarts: new Restarts(map, f, scale, tol, this.options.stepsPerEpoch),
      overridden: new Overridden(map, f, scale, tol, firstMiss),
    };
    if (this.interval === 'step') {
      const epochs = this.epochClock(true);
      if (epochs) alt.onEpochs = new FollowsMapping(epochs, f, scale, tol);
      for (const k of TOO_OFTEN) for (const offset of [0, k - 1, k, -1]) alt.tooOften.push(new FollowsMapping(perStep(k, offset), f, scale, tol));
    } else {
      alt.onSteps = new FollowsMapping(perStep(1), f, scale, tol);
    }
    const top = [alt.flat, alt.onEpochs, alt.onSteps].filter((h): h is FollowsMapping | Flat => h !== undefined);
    this.groups = [top, ...alt.tooOften.map((h) => [h]), [alt.restarts], [alt.overridden]];
    return alt;
  }

  /**
   * Feeds the alternatives through point `upTo`, in the order finding() consults them, and stops
   * at the first group still alive: while it explains the run, the ones below cannot change the
   * verdict, so they wait and catch up only if it dies. Each point still reaches each hypothesis
   * at most once, so an update costs time proportional to the batch.
   */
  private advance(upTo: number): void {
    const s = this.series;
    const groups = this.groups;
    for (let g = 0; g < groups.length; g++) {
      let alive = false;
      for (const h of groups[g]) {
        while (h.alive && h.next <= upTo) h.feed(h.next++, s);
        alive ||= h.alive;
      }
      if (alive) return;
      groups.splice(g--, 1);
    }
  }

  /**
   * The epoch clock: the run's stepsPerEpoch, else the trainer's logged epoch, else (only as an
   * alternative explanation) the scheduler cadence the client observed.
   */
  private epochClock(allowCadence: boolean): Mapping | undefined {
    const spe = this.options.stepsPerEpoch;
    if (spe) return perEpochOfLength(spe);
    const s = this.series;
    if (s.length > 0 && !Number.isNaN(s.epochs[0])) return perLoggedEpoch(0);
    const gap = observedGap(this.cadence);
    if (allowCadence && gap !== undefined && gap >= 1.5) return perEpochOfLength(Math.round(gap));
    return undefined;
  }

  private change(): number | undefined {
    this.changeCache ??= { n: firstChange(this.schedule) };
    return this.changeCache.n;
  }

  /** The optimizer step at which the intended schedule first changes the LR. */
  private changeStep(): number | undefined {
    const n = this.change();
    if (n === undefined) return undefined;
    if (this.interval === 'step') return n;
    return this.options.stepsPerEpoch ? n * this.options.stepsPerEpoch : undefined;
  }

  private finding(): Finding {
    const s = this.series;
    const a = this.alternatives!;
    const bad = this.firstBad;
    const n = this.intended!.at(s.steps[bad], s.epochs[bad], 0);
    const base = {
      firstChange: this.change(),
      firstBadStep: s.steps[bad],
      expected: this.scale * this.f(Math.max(0, n)),
      actual: s.lrs[bad],
      lastStep: s.steps[s.length - 1],
      cadenceGap: observedGap(this.cadence),
      cadence: this.cadence,
      stepsPerEpoch: this.options.stepsPerEpoch,
      interval: this.interval,
    };
    const gap = base.cadenceGap;
    const neverCalled = this.cadence !== undefined && this.cadence.schedulerSteps === 0 && this.cadence.optimizerSteps > 0;
    const framework = this.schedule.spec.name;

    if (a.flat.alive) {
      const value = a.flat.value!;
      const atStart = close(value, this.scale * this.f(0), this.tol);
      const perEpochEvidence = (gap !== undefined && gap >= 1.5) || (!neverCalled && gap === undefined && (framework === 'StepwiseGradualLR' || framework === 'NoamLR'));
      if (this.interval === 'step' && (a.onEpochs?.alive ?? true) && perEpochEvidence) return { ...base, causes: ['stepped_per_epoch', 'stuck'], flatAt: value };
      if (this.interval === 'epoch' && a.onSteps?.alive && gap !== undefined && gap <= 1.5) return { ...base, causes: ['stepped_per_step', 'stuck'], flatAt: value };
      if (atStart && (gap === undefined || neverCalled)) return { ...base, causes: ['never_stepped', 'stuck'], flatAt: value, epochsPossible: this.interval === 'step' && (a.onEpochs?.alive ?? true) };
      return { ...base, causes: ['overridden', 'stuck'], flatAt: value };
    }
    if (a.onEpochs?.alive) return { ...base, causes: ['stepped_per_epoch'] };
    if (a.onSteps?.alive) return { ...base, causes: ['stepped_per_step'] };
    const tooOften = a.tooOften.find((h) => h.alive);
    if (tooOften) return { ...base, causes: ['stepped_too_often'], factor: Number.parseInt(tooOften.map.label, 10) };
    if (a.restarts.alive && a.restarts.origins.length > 0) return { ...base, causes: ['restarted'], restarts: a.restarts.origins };
    if (a.overridden.alive) return { ...base, causes: a.overridden.pinned ? ['overridden', 'stuck'] : ['overridden'], flatAt: a.overridden.pinned ? a.overridden.value : undefined };
    // No pattern fits every point; the client's own observation of scheduler.step() still may.
    if (neverCalled) return { ...base, causes: ['never_stepped'] };
    if (gap !== undefined && this.interval === 'step' && gap >= 1.5) return { ...base, causes: ['stepped_per_epoch'] };
    if (gap !== undefined && gap <= 0.75) return { ...base, causes: ['stepped_too_often'], factor: Math.round(1 / gap) };
    return { ...base, causes: ['mismatch'] };
  }
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(3)));
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}
