// Turns a parsed spec into something that gives the LR at any n, or says why it cannot.
import type { Compiled, Evaluable } from './definition';
import { type Parent, parseNode } from './parse-schedule';
import type { Schedule, ScheduleSpec, VerifiableSchedule } from './types';

function compileNode(spec: ScheduleSpec, inherited?: Parent): Compiled {
  // Parsing again costs little and keeps a spec that skipped parseSchedule from compiling into nonsense.
  const node = parseNode(spec, '', inherited);
  const baseLr = inherited ? inherited.baseLr : node.spec.baseLr;
  return node.def.compile(node.values, {
    baseLr: baseLr ?? Number.NaN,
    compileChild: (child) => compileNode(child, { baseLr, depth: (inherited?.depth ?? 0) + 1 }),
  });
}

function verifiable(spec: ScheduleSpec, compiled: Evaluable): VerifiableSchedule {
  const { lrAt: at, lastStep, designInterval } = compiled;
  // n counts step() calls: fractions are floored, negatives are the start, and past lastStep (where
  // the framework raises) the last value holds.
  const lrAt =
    lastStep === undefined ? (n: number) => at(n > 0 ? Math.floor(n) : 0) : (n: number) => at(n > 0 ? Math.floor(n < lastStep ? n : lastStep) : 0);
  const schedule: VerifiableSchedule = lastStep === undefined ? { verifiable: true, spec, designInterval, lrAt } : { verifiable: true, spec, designInterval, lastStep, lrAt };
  if (compiled.fractional) schedule.lrAtEpoch = (epoch: number) => at(epoch > 0 ? epoch : 0);
  return schedule;
}

/** Compiles a spec (assumed parsed; an invalid one throws ScheduleSpecError) into a schedule. */
export function compileSchedule(spec: ScheduleSpec): Schedule {
  const compiled = compileNode(spec);
  if (compiled.kind === 'unverifiable') return { verifiable: false, spec, reason: compiled.reason };
  return verifiable(spec, compiled);
}
