// Validates a schedule spec from a user's config (unknown JSON) against the registry.
//
// Policy:
// - `name` must be a registered name, spelled as the framework spells it (case matters, as in Python).
// - `params` holds the constructor's own keywords; an unknown one is an error listing the accepted
//   ones; a required one missing is an error; defaults are not filled in (the spec stays what the
//   user wrote; compileSchedule applies the framework's defaults).
// - `baseLr` (η0) is required when the LR depends on it: everything except OneCycleLR, CyclicLR,
//   StepwiseGradualLR (absolute rates; the idiap fork's needs it when its first threshold is > 0),
//   the unverifiable ones, and composites whose children all carry absolute rates.
// - Children of SequentialLR/ChainedScheduler carry no baseLr or interval of their own: they share
//   the parent's optimizer and are stepped by the parent.
import type { Definition } from './definition';
import { didYouMean } from './suggest';
import { fail, isRecord, readParams, show } from './params';
import { REGISTRY, SCHEDULE_NAMES } from './registry';
import type { Interval, ScheduleSpec } from './types';

const SPEC_FIELDS = ['name', 'params', 'interval', 'frequency', 'baseLr'];

export interface ParsedNode {
  spec: ScheduleSpec;
  def: Definition;
  /** The params with the framework's defaults applied, typed by the definition. */
  values: Record<string, unknown>;
}

/** A child's context: it inherits η0 from its parent. */
export interface Parent {
  baseLr: number | undefined;
  /** How many composites enclose the child. */
  depth: number;
}

/** Composites inside composites: real configs use one or two; the bound keeps parsing off the stack's edge. */
export const MAX_SCHEDULE_NESTING = 8;

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function unknownName(name: string): string {
  const hint = didYouMean(name, SCHEDULE_NAMES);
  return hint ? `unknown scheduler "${name}"${hint}` : `unknown scheduler "${name}"; known: ${SCHEDULE_NAMES.join(', ')}`;
}

function needsBaseLr(spec: ScheduleSpec, parent: Parent): boolean {
  const node = parseNode(spec, '', parent);
  return node.def.needsBaseLr(node.values, { needsBaseLr: (child) => needsBaseLr(child, parent) });
}

/** Parses one spec (the root, or a composite's child when `parent` is given). */
export function parseNode(value: unknown, path: string, parent?: Parent): ParsedNode {
  if (!isRecord(value)) fail(path, `must be a schedule spec like {"name": "StepLR", "params": {"step_size": 30}, "baseLr": 0.1}, got ${show(value)}`);
  for (const key of Object.keys(value)) {
    if (value[key] !== undefined && !SPEC_FIELDS.includes(key)) fail(join(path, key), `unknown field${didYouMean(key, SPEC_FIELDS)} (a schedule spec has ${SPEC_FIELDS.join(', ')})`);
  }

  const name = value.name;
  if (name === undefined) fail(join(path, 'name'), 'required: the scheduler, e.g. "StepLR", "cosine" or "NoamLR"');
  if (typeof name !== 'string') fail(join(path, 'name'), `must be a string, got ${show(name)}`);
  const def = REGISTRY.get(name) ?? fail(join(path, 'name'), unknownName(name));

  const rawParams = value.params ?? {};
  if (!isRecord(rawParams)) fail(join(path, 'params'), `must be an object of ${name}'s keyword arguments, got ${show(rawParams)}`);

  const interval = value.interval;
  if (interval !== undefined && interval !== 'step' && interval !== 'epoch') fail(join(path, 'interval'), `must be "step" or "epoch", got ${show(interval)}`);
  const frequency = value.frequency;
  if (frequency !== undefined && !(typeof frequency === 'number' && Number.isInteger(frequency) && frequency >= 1 && frequency <= 1_000_000)) {
    fail(join(path, 'frequency'), `must be an integer from 1 to 1000000 (scheduler.step() runs every frequency intervals), got ${show(frequency)}`);
  }
  const baseLr = value.baseLr;
  if (baseLr !== undefined && !(typeof baseLr === 'number' && Number.isFinite(baseLr) && baseLr > 0)) {
    fail(join(path, 'baseLr'), `must be a number > 0 (the optimizer's initial LR), got ${show(baseLr)}`);
  }
  if (parent) {
    if (parent.depth > MAX_SCHEDULE_NESTING) fail(path, `schedules may nest at most ${MAX_SCHEDULE_NESTING} levels deep (SequentialLR or ChainedScheduler inside one another)`);
    if (interval !== undefined) fail(join(path, 'interval'), 'belongs on the outer schedule: its schedulers are stepped by it');
    if (frequency !== undefined) fail(join(path, 'frequency'), 'belongs on the outer schedule: its schedulers are stepped by it');
    if (baseLr !== undefined) fail(join(path, 'baseLr'), 'belongs on the outer schedule: its schedulers share one optimizer');
  }

  const eta0 = parent ? parent.baseLr : (baseLr as number | undefined);
  const paramsPath = join(path, 'params');
  const { values, normalized } = readParams(def.params, rawParams, paramsPath, name, {
    parseChild: (child, childPath) => parseNode(child, childPath, { baseLr: eta0, depth: (parent?.depth ?? 0) + 1 }).spec,
  });
  def.check?.(values, { path: paramsPath, baseLr: eta0 });
  if (!parent && baseLr === undefined && def.needsBaseLr(values, { needsBaseLr: (child) => needsBaseLr(child, { baseLr: eta0, depth: 1 }) })) {
    fail(join(path, 'baseLr'), `required for ${name}: the optimizer's initial LR (η0, param group 0), which the schedule scales`);
  }

  const spec: ScheduleSpec = { name, params: normalized };
  if (interval !== undefined) spec.interval = interval as Interval;
  if (frequency !== undefined && frequency !== 1) spec.frequency = frequency as number;
  if (baseLr !== undefined) spec.baseLr = baseLr as number;
  return { spec, def, values };
}

/** Validates a spec from a user's config; throws ScheduleSpecError naming the offending field. */
export function parseSchedule(value: unknown): ScheduleSpec {
  return parseNode(value, '').spec;
}
