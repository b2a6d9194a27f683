// SequentialLR and ChainedScheduler (PyTorch 1.13). Their children share one optimizer: each is
// built in list order on it (and steps once while being built), and each step rewrites the LR the
// others left. lrscope builds the same children on a model optimizer and replays them.
import { bisectRight } from '../bisect';
import { define, type Compiled, type DesignInterval, type Evaluable } from '../definition';
import { fail, integer, list, required, schedules } from '../params';
import { replay } from '../replay';
import type { ScheduleSpec } from '../types';
import { closedFormDividesByZero } from './factor-ramps';
import { LRScheduler, torchKeywords, type ParamGroup, type Steppable } from './scheduler';

const COMPOSITES = ['SequentialLR', 'ChainedScheduler'];

class SequentialLRModel implements Steppable {
  private lastEpoch = 0;

  constructor(
    group: ParamGroup,
    private readonly children: readonly LRScheduler[],
    private readonly milestones: readonly number[],
  ) {
    group.lr = group.initialLr!;
    for (const child of children) child.lastEpoch -= 1;
    children[0].initialStep();
  }

  step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const child = this.children[idx];
    // The 1.13 quirk: the next scheduler restarts from its own n=0 *at* the milestone, through its
    // closed form (step(0)), so ConstantLR→ExponentialLR gives η0, not η0·γ, there.
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) child.step(0);
    else child.step();
  }
}

class ChainedSchedulerModel implements Steppable {
  constructor(private readonly children: readonly Steppable[]) {}

  step(): void {
    for (const child of this.children) child.step();
  }
}

/** The children compiled, or the first one that cannot be checked as the composite's reason. */
function compileChildren(name: string, specs: readonly ScheduleSpec[], compileChild: (s: ScheduleSpec) => Compiled): Evaluable[] | Compiled {
  const children: Evaluable[] = [];
  for (const [i, spec] of specs.entries()) {
    const c = compileChild(spec);
    if (c.kind === 'unverifiable') return { kind: 'unverifiable', reason: `${name}'s scheduler ${i + 1} (${spec.name}) cannot be checked: ${c.reason}` };
    children.push(c);
  }
  return children;
}

function designOf(children: readonly Evaluable[]): DesignInterval {
  return children.some((c) => c.designInterval === 'step') ? 'step' : 'either';
}

function refusePlateau(specs: readonly ScheduleSpec[], path: string, owner: string): void {
  for (const [i, spec] of specs.entries()) {
    if (spec.name === 'ReduceLROnPlateau') fail(`${path}.schedulers[${i}].name`, `ReduceLROnPlateau cannot run inside ${owner}: its step() needs the metric, and ${owner} calls step() without one`);
  }
}

export const SequentialLR = define({
  name: 'SequentialLR',
  family: 'pytorch',
  params: { schedulers: required(schedules()), milestones: required(list(integer({ min: 0 }))), ...torchKeywords },
  check: (p, { path }) => {
    const { schedulers: specs, milestones } = p;
    if (milestones.length !== specs.length - 1) {
      fail(`${path}.milestones`, `must have one entry fewer than schedulers (${specs.length} schedulers take ${specs.length - 1} milestone${specs.length === 2 ? '' : 's'}), got ${milestones.length}`);
    }
    for (const [i, m] of milestones.entries()) {
      if (m === 0) fail(`${path}.milestones[${i}]`, 'must be ≥ 1: SequentialLR only hands over when n reaches a milestone after construction, so a scheduler at 0 is never started at its milestone');
      if (i > 0 && m <= milestones[i - 1]) fail(`${path}.milestones[${i}]`, `must be greater than the milestone before it (${milestones[i - 1]}): PyTorch bisects the list, and a scheduler whose milestone is not later never runs`);
    }
    for (const [i, spec] of specs.entries()) {
      if (COMPOSITES.includes(spec.name)) {
        fail(
          `${path}.schedulers[${i}].name`,
          spec.name === 'ChainedScheduler'
            ? 'ChainedScheduler cannot go inside SequentialLR: PyTorch 1.13 raises AttributeError building it (ChainedScheduler has no last_epoch)'
            : 'SequentialLR cannot go inside SequentialLR: PyTorch 1.13 raises TypeError at its milestone (its step() takes no epoch) and starts it wrongly when it comes first; use ChainedScheduler to combine them, or one flat SequentialLR',
        );
      }
      if (i > 0 && closedFormDividesByZero(spec.name, spec.params)) {
        fail(`${path}.schedulers[${i}].params.total_iters`, `must be ≥ 1 here: at its milestone SequentialLR evaluates ${spec.name}'s closed form, which divides by total_iters`);
      }
    }
    refusePlateau(specs, path, 'SequentialLR');
  },
  needsBaseLr: (p, ctx) => p.schedulers.some((s) => ctx.needsBaseLr(s)),
  compile: (p, ctx) => {
    const compiled = compileChildren('SequentialLR', p.schedulers, ctx.compileChild);
    if (!Array.isArray(compiled)) return compiled;
    const children = compiled;
    const { milestones } = p;
    const construct = (group: ParamGroup) => {
      const built = children.map((c) => c.construct(group));
      return new SequentialLRModel(group, built as LRScheduler[], milestones);
    };
    // A bounded child (OneCycleLR) raises once its own n passes its lastStep inside its window.
    let lastStep: number | undefined;
    for (const [k, child] of children.entries()) {
      if (child.lastStep === undefined) continue;
      const start = k === 0 ? 0 : milestones[k - 1];
      const end = k < milestones.length ? milestones[k] - 1 : Number.POSITIVE_INFINITY;
      if (start + child.lastStep < end) {
        lastStep = start + child.lastStep;
        break;
      }
    }
    return { kind: 'verifiable', designInterval: designOf(children), lastStep, lrAt: replay(construct, ctx.baseLr), construct };
  },
});

export const ChainedScheduler = define({
  name: 'ChainedScheduler',
  family: 'pytorch',
  params: { schedulers: required(schedules()) },
  check: (p, { path }) => refusePlateau(p.schedulers, path, 'ChainedScheduler'),
  needsBaseLr: (p, ctx) => p.schedulers.some((s) => ctx.needsBaseLr(s)),
  compile: (p, ctx) => {
    const compiled = compileChildren('ChainedScheduler', p.schedulers, ctx.compileChild);
    if (!Array.isArray(compiled)) return compiled;
    const children = compiled;
    const construct = (group: ParamGroup) => new ChainedSchedulerModel(children.map((c) => c.construct(group)));
    const bounds = children.map((c) => c.lastStep).filter((l): l is number => l !== undefined);
    return {
      kind: 'verifiable',
      designInterval: designOf(children),
      lastStep: bounds.length ? Math.min(...bounds) : undefined,
      lrAt: replay(construct, ctx.baseLr),
      construct,
    };
  },
});
