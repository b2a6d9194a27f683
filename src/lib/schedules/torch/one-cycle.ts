// OneCycleLR (PyTorch 1.13): absolute rates from max_lr; η0 plays no part.
import { define, never } from '../definition';
import { boolean, fail, integer, nullable, number, oneOf, optional, perGroup, required } from '../params';
import { LRScheduler, torchKeywords, type ParamGroup } from './scheduler';

type Level = 'initial' | 'max' | 'min';
interface Phase {
  end: number;
  from: Level;
  to: Level;
}
type Levels = Record<Level, number>;
type Anneal = (from: number, to: number, pct: number) => number;

const anneals: Record<'cos' | 'linear', Anneal> = {
  cos: (from, to, pct) => to + ((from - to) / 2.0) * (Math.cos(Math.PI * pct) + 1),
  linear: (from, to, pct) => (to - from) * pct + from,
};

function phasesOf(totalSteps: number, pctStart: number, threePhase: boolean): Phase[] {
  if (threePhase) {
    return [
      { end: pctStart * totalSteps - 1, from: 'initial', to: 'max' },
      { end: 2 * pctStart * totalSteps - 2, from: 'max', to: 'initial' },
      { end: totalSteps - 1, from: 'initial', to: 'min' },
    ];
  }
  return [
    { end: pctStart * totalSteps - 1, from: 'initial', to: 'max' },
    { end: totalSteps - 1, from: 'max', to: 'min' },
  ];
}

interface Segment {
  start: number;
  end: number;
  from: number;
  to: number;
}

function segmentsOf(phases: readonly Phase[], levels: Levels): Segment[] {
  return phases.map((ph, i) => ({ start: i === 0 ? 0 : phases[i - 1].end, end: ph.end, from: levels[ph.from], to: levels[ph.to] }));
}

function oneCycleLr(segments: readonly Segment[], anneal: Anneal, n: number): number {
  const last = segments.length - 1;
  for (let i = 0; i < last; i++) {
    const s = segments[i];
    if (n <= s.end) return anneal(s.from, s.to, (n - s.start) / (s.end - s.start));
  }
  // The last phase also takes n = total_steps, which PyTorch allows: pct > 1 there, so cos turns
  // back up and linear overshoots (below zero when the last phase is short).
  const s = segments[last];
  return anneal(s.from, s.to, (n - s.start) / (s.end - s.start));
}

class OneCycleLRModel extends LRScheduler {
  constructor(
    group: ParamGroup,
    levels: Levels,
    private readonly phases: readonly Phase[],
    private readonly anneal: Anneal,
  ) {
    super(group);
    // OneCycleLR overwrites initial_lr even when another scheduler set it, and reads these three back
    // from the group on every step.
    group.initialLr = levels.initial;
    group.maxLr = levels.max;
    group.minLr = levels.min;
    this.init();
  }

  protected getLr(): number {
    const g = this.group;
    return oneCycleLr(segmentsOf(this.phases, { initial: g.initialLr!, max: g.maxLr!, min: g.minLr! }), this.anneal, this.lastEpoch);
  }
}

const positiveInt = nullable(integer({ min: 1 }));

export const OneCycleLR = define({
  name: 'OneCycleLR',
  family: 'pytorch',
  params: {
    max_lr: required(perGroup(number({ above: 0 }))),
    total_steps: optional(positiveInt, null),
    epochs: optional(positiveInt, null),
    steps_per_epoch: optional(positiveInt, null),
    pct_start: optional(number({ min: 0, max: 1 }), 0.3),
    anneal_strategy: optional(oneOf('cos', 'linear'), 'cos'),
    cycle_momentum: optional(boolean, true),
    base_momentum: optional(perGroup(number()), 0.85),
    max_momentum: optional(perGroup(number()), 0.95),
    div_factor: optional(number({ above: 0 }), 25.0),
    final_div_factor: optional(number({ above: 0 }), 1e4),
    three_phase: optional(boolean, false),
    ...torchKeywords,
  },
  check: (p, { path }) => {
    if (p.total_steps === null && (p.epochs === null || p.steps_per_epoch === null)) {
      fail(`${path}.total_steps`, 'required unless both epochs and steps_per_epoch are given (OneCycleLR needs the length of the cycle)');
    }
    const total = p.total_steps ?? p.epochs! * p.steps_per_epoch!;
    if (p.pct_start * total - 1 === 0) fail(`${path}.pct_start`, `pct_start × total_steps is 1, so PyTorch divides by zero building the first phase; use a larger pct_start or more steps`);
  },
  needsBaseLr: never,
  compile: (p) => {
    const total = p.total_steps ?? p.epochs! * p.steps_per_epoch!;
    const initial = p.max_lr / p.div_factor;
    const levels: Levels = { initial, max: p.max_lr, min: initial / p.final_div_factor };
    const phases = phasesOf(total, p.pct_start, p.three_phase);
    const anneal = anneals[p.anneal_strategy];
    const segments = segmentsOf(phases, levels);
    // PyTorch raises only when stepped past total_steps, so n = total_steps is legal, unless the last
    // phase has no width (it then divides by zero there).
    const lastPhaseEmpty = phases[phases.length - 2].end === total - 1;
    return {
      kind: 'verifiable',
      designInterval: 'step',
      lastStep: lastPhaseEmpty ? total - 1 : total,
      lrAt: (n) => oneCycleLr(segments, anneal, n),
      construct: (group) => new OneCycleLRModel(group, levels, phases, anneal),
    };
  },
});
