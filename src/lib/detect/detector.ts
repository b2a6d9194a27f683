// Decides whether a run's logged LR follows its configured schedule, and if not, why.
//
// The intended schedule is checked point by point as batches arrive, costing O(batch), by a few
// trackers that each fit it on the clock the user meant with the departures correct training
// shows (a constant scale, an off-by-one read, skipped optimizer steps; intended.ts). While one
// of them explains every point, the run is fine and the allowances it used are warnings. When
// the points carry the scheduler's own counter, two things are checked apart: the LR is the
// schedule's at that count, and the count advances as the spec's interval and frequency say.
// At the first point nothing correct explains, the run is flagged, and the alternative
// hypotheses (another clock, flat, restarted, overridden) are fitted to the whole series once and
// then fed incrementally; the simplest one that explains every point names the cause. Each
// further param group is checked against group 0 (groups.ts).
import { intendedInterval } from '../expected-lr';
import type { Schedule, VerifiableSchedule } from '../schedules/types';
import type { ObservedCadence, Verdict } from '../verdict';
import { CountCauses, CountFollows } from './counts';
import { explainFlag, explainOk, type Finding } from './explain';
import { GroupCheck } from './groups';
import { FollowsMapping, Flat, Overridden, Restarts, type Hypothesis, type LrAt } from './hypotheses';
import { driftWarning, Intended, type IntendedOptions } from './intended';
import { continuousEpoch, everySteps, ownCount, perEpochOfLength, perLoggedEpoch, perStep, type Mapping } from './mapping';
import { PlateauDetector, recordsSchedulerMetric } from './plateau';
import { plateauWarnings } from './plateau-warnings';
import { firstChange, observedGap, planWarnings } from './plausibility';
import { scalesWithGroups } from './proportional';
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

/** Points a fitted scale must explain beyond the spec's before it decides where a run went wrong. */
const CONFIRMED = 8;

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

/** Why the run is flagged: the LR left the schedule on every clock, or (with counts) at the scheduler's own count, or the count runs off the spec's cadence. */
type Failure = 'clock' | 'lr-at-count' | 'count';

interface Alternatives {
  failure: Failure;
  onEpochs?: FollowsMapping;
  onSteps?: FollowsMapping;
  tooOften: FollowsMapping[];
  flat: Flat;
  restarts?: Restarts;
  overridden: Overridden;
  counts?: CountCauses;
}

class VerifiableDetector implements Detector {
  private readonly series = new Series();
  private readonly f: LrAt;
  private readonly cadence?: ObservedCadence;
  private readonly interval;
  private readonly frequency: number;
  private readonly groupsScale: boolean;
  private changeCache: { n: number | undefined } | undefined;

  // State of the evaluation, rebuilt by reset().
  /** The clock the user meant; for an epoch schedule it depends on the points, so reset() sets it. */
  private intended: Mapping | undefined;
  private evaluated = 0;
  private tol: Tolerance = { rtol: 1e-3, atol: 0 };
  /** The scale the alternatives assume: read at the first point, and only where the schedule is flat there. */
  private altScale = 1;
  private altScaleKnown = false;
  /** Correct-run trackers on the optimizer's clock; with counts, at the scheduler's own count; and the count itself. */
  private onClock: Intended[] = [];
  /** With counts, the first point the optimizer-clock trackers have not seen yet. */
  private clockNext = 0;
  private atCount: Intended[] = [];
  private countFollows: CountFollows | undefined;
  private groupChecks: GroupCheck[] = [];
  private alternatives: Alternatives | undefined;
  /** Alternatives in the order finding() consults them; a flat run is judged with the clocks beside it. */
  private groups: Hypothesis[][] = [];
  /** Alternatives fed on every update whatever the groups say. */
  private beside: Hypothesis[] = [];

  constructor(
    private readonly schedule: VerifiableSchedule,
    private readonly options: DetectorOptions,
  ) {
    this.f = (n) => schedule.lrAt(n);
    this.cadence = options.cadence;
    this.interval = intendedInterval(schedule);
    this.frequency = schedule.spec.frequency ?? 1;
    this.groupsScale = scalesWithGroups(schedule);
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
    if (this.alternatives) return explainFlag(this.schedule, this.finding(), dedupe([...warnings, ...this.toleratedWarnings()]));
    const group = this.groupChecks.find((g) => g.failure)?.failure;
    if (group) {
      const finding: Finding = {
        ...this.facts(group.at),
        causes: group.flat ? ['stuck'] : ['mismatch'],
        expected: group.expected,
        actual: group.actual,
        group: group.group,
        flatAt: group.flat ? group.actual : undefined,
      };
      return explainFlag(this.schedule, finding, dedupe([...warnings, ...this.toleratedWarnings()]));
    }
    return explainOk(this.schedule, { points: s.length, lastStep: s.steps[s.length - 1], interval: this.interval, firstChange: this.changeStep() }, dedupe([...warnings, ...this.toleratedWarnings()]));
  }

  /** The departures the surviving trackers tolerated. */
  private toleratedWarnings(): string[] {
    const baseLr = this.schedule.spec.baseLr ?? this.f(0);
    const counted = this.atCount.length > 0 && this.countFollows?.seen;
    const lr = (counted ? this.atCount : this.onClock).find((t) => t.alive);
    const out = lr ? lr.warnings(baseLr) : [];
    if (counted && this.countFollows) {
      const c = this.countFollows;
      if (!c.alive) {
        const i = c.firstMiss;
        out.push(
          `The scheduler's own count (${this.series.counts[i]} at step ${this.series.steps[i]}) does not advance ${this.intended!.label} as the spec says, though the LR still matches the schedule so far: check how often scheduler.step() runs.`,
        );
      } else if (c.drift !== 0) {
        out.push(driftWarning(c.drift, c.driftStep));
      }
    }
    return out;
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
    for (const g of this.groupChecks) g.feed(s, s.length - 1);
    if (this.alternatives) this.advance(s.length - 1);
    this.evaluated = s.length;
  }

  private reset(): void {
    const s = this.series;
    this.evaluated = 0;
    this.intended = this.interval === 'step' ? everySteps(this.frequency) : this.epochClock(false, this.frequency);
    this.tol = toleranceFor(s.lrs, Math.min(s.length, PRECISION_SAMPLE), Math.max(Math.abs(this.f(0)), this.schedule.spec.baseLr ?? 0));
    this.altScale = 1;
    this.altScaleKnown = false;
    this.alternatives = undefined;
    this.groups = [];
    this.beside = [];
    this.onClock = [];
    this.clockNext = 0;
    this.atCount = [];
    this.countFollows = undefined;
    const sample = Math.min(s.length, PRECISION_SAMPLE);
    this.groupChecks = this.groupsScale ? s.groups.map((column, g) => new GroupCheck(g + 1, this.tol, toleranceFor(column, sample, Math.abs(column[0]) || this.tol.atol))) : [];
    const map = this.intended;
    if (!map) return;
    const { f, tol } = this;
    // Per clock, the spec's scale first (it decides where a broken run went wrong), then fitted
    // ones, which stop at once when the fit is the spec's own.
    const family = (m: Mapping, lrAt: LrAt, drift: boolean) => {
      const trackers = [new Intended({ map: m, f: lrAt, tol, scale: 1, drift })];
      const fitted: IntendedOptions[] = [{ map: m, f: lrAt, tol, drift, snap: true }, ...([0, 1, -1] as const).map((scaleAt) => ({ map: m, f: lrAt, tol, drift, scaleAt }))];
      for (const options of fitted) trackers.push(new Intended(options, [...trackers]));
      return trackers;
    };
    this.onClock.push(...family(map, f, true));
    const continuous = this.continuousClock();
    if (continuous) this.onClock.push(...family(continuous, this.schedule.lrAtEpoch!, false));
    if (s.length > 0 && !Number.isNaN(s.counts[0])) {
      this.atCount.push(...family(ownCount(), f, false));
      if (continuous) this.atCount.push(...family(continuous, this.schedule.lrAtEpoch!, false));
      // An epoch counted from the declared stepsPerEpoch (no logged epochs) may be a little off.
      // Skipped optimizer steps shift a count of steps, not a count of epochs.
      this.countFollows = new CountFollows(map, this.interval === 'step', this.interval === 'epoch' && map.inSteps ? this.options.stepsPerEpoch : undefined);
    }
  }

  private feedIntended(i: number): void {
    const s = this.series;
    if (!this.altScaleKnown) this.learnAltScale(i);
    let failure: Failure | undefined;
    if (this.atCount.length > 0) {
      const count = this.countFollows!;
      if (count.alive) count.feed(i, s);
      if (!feedAll(this.atCount, i, s, i)) failure = 'lr-at-count';
      // The optimizer's clock matters only once the count is off it: until then it waits, and
      // then catches up, so each point still reaches each tracker once.
      else if (!count.alive && !feedAll(this.onClock, this.clockNext, s, i)) failure = 'count';
      if (!count.alive) this.clockNext = i + 1;
    } else if (!feedAll(this.onClock, i, s, i)) {
      failure = 'clock';
    }
    if (failure) this.alternatives = this.buildAlternatives(failure);
  }

  /**
   * The alternatives assume the spec's scale unless the first point shows another where the
   * schedule is locally flat: on a slope (a warm-up from zero) "4× the LR" and "4× the steps"
   * look the same, and a shifted clock must stay unscaled so the hypotheses can name it.
   */
  private learnAltScale(i: number): void {
    const s = this.series;
    const map = this.intended!;
    const n = Math.max(0, map.at(s.steps[i], s.epochs[i], 0, s.counts[i]));
    const expected = this.f(n);
    this.altScaleKnown = true;
    if (!(expected > 0) || !(s.lrs[i] > 0)) return;
    const flat = [this.f(Math.max(0, n - 1)), this.f(n + 1)].every((v) => Math.abs(v - expected) <= 1e-12 * expected);
    const ratio = s.lrs[i] / expected;
    if (flat && Math.abs(ratio - 1) >= 0.01) this.altScale = ratio;
  }

  /**
   * The tracker whose death decides where the run went wrong: the spec's own scale, unless a
   * fitted one explained clearly more of the run (a scaled run that breaks later). A scale fitted
   * on a run broken from the start dies within a few points of the unscaled tracker.
   */
  private decisive(failure: Failure): Intended {
    const [unscaled, ...others] = failure === 'lr-at-count' ? this.atCount : this.onClock;
    return others.reduce((a, b) => (!b.redundant && b.firstMiss >= a.firstMiss + CONFIRMED ? b : a), unscaled);
  }

  private buildAlternatives(failure: Failure): Alternatives {
    const map = failure === 'lr-at-count' ? ownCount() : this.intended!;
    const { f, tol } = this;
    const scale = this.altScale;
    const firstMiss = this.decisive(failure).firstMiss;
    const alt: Alternatives = { failure, tooOften: [], flat: new Flat(tol), overridden: new Overridden(map, f, scale, tol, firstMiss) };
    if (failure === 'lr-at-count') {
      this.groups = [[alt.overridden, alt.flat]];
      return alt;
    }
    if (failure === 'count') {
      alt.counts = new CountCauses(this.interval, this.epochClock(true, 1), this.options.stepsPerEpoch);
      // Whether the LR is flat only adds "stuck" to the count's cause: it is fed beside them, not ahead.
      this.beside = [alt.flat];
      this.groups = alt.counts.hypotheses.map((h) => [h]);
      return alt;
    }
    alt.restarts = new Restarts(map, f, scale, tol, this.options.stepsPerEpoch);
    if (this.interval === 'step') {
      const epochs = this.epochClock(true, 1);
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
    for (const h of this.beside) while (h.alive && h.next <= upTo) h.feed(h.next++, s);
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
   * The epoch clock: the trainer's logged epoch (the truth about boundaries when it is there),
   * else the run's stepsPerEpoch, else (only as an alternative explanation) the scheduler cadence
   * the client observed.
   */
  private epochClock(allowCadence: boolean, every: number): Mapping | undefined {
    const s = this.series;
    if (s.length > 0 && !Number.isNaN(s.epochs[0])) return perLoggedEpoch(0, every);
    const spe = this.options.stepsPerEpoch;
    if (spe) return perEpochOfLength(spe, every);
    const gap = observedGap(this.cadence);
    if (allowCadence && gap !== undefined && gap >= 1.5) return perEpochOfLength(Math.round(gap), every);
    return undefined;
  }

  /** scheduler.step(epoch + i / iters) every batch: only for schedules PyTorch evaluates at a fractional epoch, on runs that log one. */
  private continuousClock(): Mapping | undefined {
    const s = this.series;
    if (this.interval !== 'epoch' || this.frequency !== 1 || !this.schedule.lrAtEpoch) return undefined;
    const sample = Math.min(s.length, PRECISION_SAMPLE);
    let perStepEpochs = this.options.stepsPerEpoch ? 1 / this.options.stepsPerEpoch : Number.NaN;
    let fractional = false;
    for (let i = 0; i < sample; i++) {
      if (s.epochs[i] % 1 !== 0) fractional = true;
      if (Number.isNaN(perStepEpochs) && i > 0 && s.epochs[i] > s.epochs[i - 1]) perStepEpochs = (s.epochs[i] - s.epochs[i - 1]) / (s.steps[i] - s.steps[i - 1]);
    }
    return fractional && perStepEpochs > 0 ? continuousEpoch(perStepEpochs) : undefined;
  }

  private change(): number | undefined {
    this.changeCache ??= { n: firstChange(this.schedule) };
    return this.changeCache.n;
  }

  /** The optimizer step at which the intended schedule first changes the LR. */
  private changeStep(): number | undefined {
    const n = this.change();
    if (n === undefined) return undefined;
    if (this.interval === 'step') return n * this.frequency;
    return this.options.stepsPerEpoch ? n * this.frequency * this.options.stepsPerEpoch : undefined;
  }

  /** What every finding says about point `bad`. */
  private facts(bad: number, scale = this.altScale): Omit<Finding, 'causes'> {
    const s = this.series;
    const map = this.intended!;
    const n = map.at(s.steps[bad], s.epochs[bad], 0, s.counts[bad]);
    return {
      firstChange: this.change(),
      firstBadStep: s.steps[bad],
      expected: scale * this.f(Math.max(0, n)),
      actual: s.lrs[bad],
      lastStep: s.steps[s.length - 1],
      cadenceGap: observedGap(this.cadence),
      cadence: this.cadence,
      stepsPerEpoch: this.options.stepsPerEpoch,
      interval: this.interval,
    };
  }

  private finding(): Finding {
    const s = this.series;
    const a = this.alternatives!;
    if (a.failure === 'lr-at-count') {
      const t = this.decisive('lr-at-count');
      const bad = Math.max(0, t.firstBad);
      const base = { ...this.facts(bad), expected: t.scale * this.f(Math.max(0, s.counts[bad])) };
      if (a.overridden.alive) return { ...base, causes: a.overridden.pinned ? ['overridden', 'stuck'] : ['overridden'], flatAt: a.overridden.pinned ? a.overridden.value : undefined };
      if (a.flat.alive) return { ...base, causes: ['overridden', 'stuck'], flatAt: a.flat.value };
      return { ...base, causes: ['mismatch'] };
    }
    const decisive = this.decisive(a.failure);
    const bad = Math.max(0, decisive.firstBad);
    const base = this.facts(bad, decisive.scale);
    if (a.failure === 'count') {
      const c = a.counts!.finding();
      const flatAt = a.flat.alive ? a.flat.value : undefined;
      const causes = c.causes[0] !== 'never_stepped' && flatAt !== undefined && !c.causes.includes('stuck') ? [...c.causes, 'stuck' as const] : c.causes;
      return { ...base, causes, factor: c.factor, restarts: c.restarts, flatAt };
    }
    // The observed gap in the spec's own steps: scheduler.step() every `frequency` steps is intended.
    const gap = base.cadenceGap === undefined ? undefined : this.interval === 'step' ? base.cadenceGap / this.frequency : base.cadenceGap;
    const neverCalled = this.cadence !== undefined && this.cadence.schedulerSteps === 0 && this.cadence.optimizerSteps > 0;
    const framework = this.schedule.spec.name;

    if (a.flat.alive) {
      const value = a.flat.value!;
      const atStart = close(value, this.altScale * this.f(0), this.tol);
      // A barely moving LR whose every change falls where the epoch clock puts one is stepped per epoch, not flat.
      if (this.interval === 'step' && a.flat.moved && a.onEpochs?.alive) return { ...base, causes: ['stepped_per_epoch'] };
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
    if (a.restarts?.alive && a.restarts.origins.length > 0) return { ...base, causes: ['restarted'], restarts: a.restarts.origins };
    if (a.overridden.alive) return { ...base, causes: a.overridden.pinned ? ['overridden', 'stuck'] : ['overridden'], flatAt: a.overridden.pinned ? a.overridden.value : undefined };
    // No pattern fits every point; the client's own observation of scheduler.step() still may.
    if (neverCalled) return { ...base, causes: ['never_stepped'] };
    if (gap !== undefined && this.interval === 'step' && gap >= 1.5) return { ...base, causes: ['stepped_per_epoch'] };
    if (gap !== undefined && gap <= 0.75) return { ...base, causes: ['stepped_too_often'], factor: Math.round(1 / gap) };
    return { ...base, causes: ['mismatch'] };
  }
}

/** Feeds points [from, to] to the trackers still alive; whether any is. */
function feedAll(trackers: Intended[], from: number, s: Series, to: number): boolean {
  let alive = false;
  for (let t = 0; t < trackers.length; t++) {
    const tracker = trackers[t];
    for (let i = from; i <= to && tracker.alive; i++) tracker.feed(i, s);
    alive ||= tracker.alive;
  }
  return alive;
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

