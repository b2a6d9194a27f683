// The verdict in words: what is wrong, since which step, the likely cause, and the fix in the
// user's framework's terms (Coqui's scheduler_after_epoch, Lightning's interval, ...).
import type { Interval, VerifiableSchedule } from '../schedules/types';
import { formatLr, formatStep } from '../ui/format';
import type { Cause, ObservedCadence, Verdict } from '../verdict';
import { frameworkOf, type Framework } from './framework';
import { formatGap } from './plausibility';

export interface Finding {
  causes: Cause[];
  firstBadStep: number;
  expected: number;
  actual: number;
  lastStep: number;
  /** n at which the schedule first changes the LR. */
  firstChange?: number;
  cadence?: ObservedCadence;
  cadenceGap?: number;
  stepsPerEpoch?: number;
  interval: Interval;
  /** The value the LR stays at, for flat series. */
  flatAt?: number;
  /** k for stepped_too_often. */
  factor?: number;
  /** Steps where the schedule started over. */
  restarts?: number[];
  /** A flat series that stepping once per epoch would also explain. */
  epochsPossible?: boolean;
  /** The param group (1, 2, ...) that does not follow the schedule while group 0 does. */
  group?: number;
}

export interface OkFacts {
  points: number;
  lastStep: number;
  interval: Interval;
  /** Optimizer step of the schedule's first change, when known. */
  firstChange?: number;
}

export function explainOk(schedule: VerifiableSchedule, facts: OkFacts, warnings: string[]): Verdict {
  let message = `The LR follows ${schedule.spec.name} (${formatStep(facts.points)} point${facts.points === 1 ? '' : 's'} up to step ${formatStep(facts.lastStep)}).`;
  if (facts.firstChange !== undefined && facts.firstChange > facts.lastStep) {
    message += ` The schedule has not asked for a change yet: its first comes at step ${formatStep(facts.firstChange)}.`;
  }
  return { kind: 'ok', flagged: false, causes: [], message, warnings };
}

export function explainFlag(schedule: VerifiableSchedule, finding: Finding, warnings: string[]): Verdict {
  const name = schedule.spec.name;
  const framework = frameworkOf(schedule.spec);
  const primary = finding.causes[0];
  const subject = finding.group !== undefined ? `Param group ${finding.group}'s LR` : 'The LR';
  const headline = finding.flatAt !== undefined ? `${subject} is stuck at ${formatLr(finding.flatAt)}` : `${subject} is not following ${name}`;
  const [expected, actual] = distinct(finding.expected, finding.actual);
  const since = `from step ${formatStep(finding.firstBadStep)} the schedule asks for ${expected}, the run uses ${actual}`;
  const explanation = `${capitalise(causeSentence(name, framework, finding))}.`;
  const fix = finding.group !== undefined ? GROUP_FIX : FIX[primary](framework, finding);
  const message = `${headline}: ${since}. ${explanation} Fix: ${fix}`;
  return {
    kind: 'flagged',
    flagged: true,
    causes: finding.causes,
    message,
    firstBadStep: finding.firstBadStep,
    expected: finding.expected,
    actual: finding.actual,
    explanation,
    fix: capitalise(fix),
    warnings,
  };
}

const GROUP_FIX = 'build the scheduler after the optimizer has all its param groups (pass every group to the optimizer up front rather than add_param_group later), or set that group\'s LR from the schedule yourself.';

function causeSentence(name: string, framework: Framework, f: Finding): string {
  if (f.group !== undefined) {
    const how = f.flatAt !== undefined ? `stays at ${formatLr(f.flatAt)} while group 0 follows ${name}` : `does not keep its ratio to group 0's LR as ${name} moves it`;
    return `param group ${f.group} ${how}: a group added with optimizer.add_param_group() after the scheduler was built is not scheduled by it (LambdaLR, CosineAnnealingLR and OneCycleLR only know the groups they were built with)`;
  }
  const cited = citeCadence(f);
  switch (f.causes[0]) {
    case 'stepped_per_epoch': {
      let text = `${name} is written in optimizer steps, but the scheduler is stepped once per epoch${cited}`;
      if (framework === 'coqui' && !cited) text += " (Coqui's scheduler_after_epoch defaults to true)";
      if (f.flatAt !== undefined && f.firstChange !== undefined) text += `, so its counter is nowhere near ${formatStep(f.firstChange)}, where the first change is due`;
      return text;
    }
    case 'stepped_per_step':
      return `${name} is meant to be stepped once per epoch, but it is stepped after every batch${cited}, so it runs ${f.stepsPerEpoch ? `${formatStep(f.stepsPerEpoch)}×` : 'far'} too fast`;
    case 'stepped_too_often':
      return `the scheduler is stepped ${f.factor ?? 'several'}× per optimizer step${cited} — typically gradient accumulation with scheduler.step() called for every micro-batch — so the schedule runs ${f.factor ?? 'several'}× too fast`;
    case 'never_stepped': {
      const calls = f.cadence && f.cadence.schedulerSteps === 0 ? ` (the client saw no call in ${formatStep(f.cadence.optimizerSteps)} optimizer steps)` : '';
      const epochs = f.epochsPossible ? ', or it is stepped once per epoch and has not reached its first change' : '';
      return `scheduler.step() never seems to run: the LR has stayed at its starting value${calls}${epochs}`;
    }
    case 'restarted': {
      const r = f.restarts ?? [];
      const perEpoch = f.stepsPerEpoch !== undefined && r.length >= 2 && r.every((s) => s % f.stepsPerEpoch! === 0);
      const where = perEpoch
        ? `at every epoch (steps ${r.slice(0, 3).map(formatStep).join(', ')}${r.length > 3 ? ', …' : ''})`
        : `at step ${r.slice(0, 3).map(formatStep).join(', ')}${r.length > 3 ? ', …' : ''}`;
      return `the schedule starts over ${where}: the scheduler is re-created${perEpoch ? ' each epoch' : ''}, or the run was resumed without the scheduler's state`;
    }
    case 'overridden':
      if (f.flatAt !== undefined) {
        const runs = f.cadenceGap !== undefined && f.cadenceGap < 1.5 ? ' although scheduler.step() does run' : '';
        return `the LR is pinned at ${formatLr(f.flatAt)}${runs}: something sets param_group['lr'] by hand over the schedule`;
      }
      return `the LR was set by hand at step ${formatStep(f.firstBadStep)}, and the schedule carried on from the new value`;
    case 'stuck':
      return `the LR stays flat where ${name} changes it`;
    default:
      return `the logged LR follows neither ${name} nor any of the usual mistakes (stepped per epoch or per batch, too often, restarted, overridden)`;
  }
}

function citeCadence(f: Finding): string {
  if (f.cadenceGap === undefined) return '';
  if (f.cadenceGap >= 1.5) return ` (scheduler.step() ran once every ${formatGap(f.cadenceGap)} optimizer steps)`;
  if (f.cadenceGap <= 0.75) return ` (scheduler.step() ran ${formatGap(1 / f.cadenceGap)} times per optimizer step)`;
  return ' (scheduler.step() ran after every optimizer step)';
}

const FIX: Record<Cause, (framework: Framework, f: Finding) => string> = {
  stepped_per_epoch: (fw) =>
    fw === 'coqui'
      ? 'set scheduler_after_epoch=False in the trainer config, or use an epoch-based schedule.'
      : fw === 'huggingface'
        ? 'Hugging Face schedules count optimizer steps: call scheduler.step() after every optimizer.step() (the Trainer does), or size num_training_steps in epochs if you step per epoch.'
        : "call scheduler.step() after every optimizer.step(), inside the batch loop (Lightning: interval='step'), or express the schedule in epochs.",
  stepped_per_step: () =>
    "call scheduler.step() once per epoch, after the batch loop (Lightning: interval='epoch'), or rewrite the schedule in steps (multiply its epoch counts by the steps per epoch).",
  stepped_too_often: (fw) =>
    fw === 'huggingface'
      ? 'call scheduler.step() only when optimizer.step() runs; the Trainer already does this with gradient_accumulation_steps.'
      : 'call scheduler.step() only when optimizer.step() runs (once per accumulated batch, not per micro-batch).',
  never_stepped: (fw) =>
    fw === 'coqui'
      ? 'make sure the trainer builds and steps the scheduler (lr_scheduler and lr_scheduler_params in the config); for a step-based schedule set scheduler_after_epoch=False.'
      : fw === 'huggingface'
        ? 'pass the scheduler to the Trainer, or call scheduler.step() after every optimizer.step() in your loop.'
        : 'call scheduler.step() after optimizer.step() in the training loop (Lightning: return the scheduler from configure_optimizers).',
  restarted: (fw) =>
    fw === 'huggingface'
      ? 'resume with trainer.train(resume_from_checkpoint=...) so the scheduler state is restored, and build the scheduler once.'
      : "create the scheduler once, outside the epoch loop, and save and load scheduler.state_dict() with your checkpoints.",
  overridden: () => "remove the code that assigns param_group['lr'] (an LR finder, a callback, a manual decay), or make it the configured schedule.",
  stuck: () => 'check that scheduler.step() runs as often as the schedule assumes, and that nothing resets the LR.',
  mismatch: () => "compare the configured schedule (name, params, baseLr, interval) with the scheduler your code builds, and check that the logged LR is optimizer.param_groups[0]['lr'].",
};

/** Two LRs formatted with as many digits as it takes to tell them apart (up to 6). */
function distinct(a: number, b: number): [string, string] {
  let pair: [string, string] = [formatLr(a), formatLr(b)];
  for (let digits = 4; pair[0] === pair[1] && digits <= 6; digits++) pair = [precise(a, digits), precise(b, digits)];
  return pair;
}

function precise(v: number, digits: number): string {
  const abs = Math.abs(v);
  if (abs >= 0.01 && abs < 1000) return String(Number(v.toPrecision(digits)));
  const [mantissa, exp] = v.toExponential(digits - 1).split('e');
  return `${Number(mantissa)}e${Number(exp)}`;
}

function capitalise(text: string): string {
  // Code keeps its case: "scheduler.step() never seems to run".
  if (/^\w+[.(]/.test(text)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
