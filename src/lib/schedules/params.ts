// Reading a scheduler's keyword arguments out of user JSON. Every rule names what it expects, so
// an error can say "params.milestones[1]: must be an integer ≥ 0, got 2.5" and nothing else is
// needed to fix the config. Python's None is JSON's null.
import { didYouMean } from './suggest';
import { ScheduleSpecError, type ScheduleSpec } from './types';

export function fail(path: string, rule: string): never {
  throw new ScheduleSpecError(path, rule);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** What a rule sees besides the value: child specs are parsed by the caller's parser (no import cycle). */
export interface ReadContext {
  /** Parses a child spec of a composite (SequentialLR, ChainedScheduler) found at `path`. */
  parseChild(value: unknown, path: string): ScheduleSpec;
}

export interface Rule<T> {
  /** "an integer ≥ 1", "one of "cos", "linear"": completes "must be ...". */
  readonly expects: string;
  read(value: unknown, path: string, ctx: ReadContext): T;
  /** Whether the normalized spec keeps the parsed value (child specs) rather than the user's own. */
  readonly keepsParsed?: boolean;
}

function rule<T>(expects: string, read: (value: unknown, path: string, ctx: ReadContext) => T, keepsParsed = false): Rule<T> {
  return { expects, read, keepsParsed };
}

function mismatch(path: string, expects: string, value: unknown): never {
  return fail(path, `must be ${expects}, got ${show(value)}`);
}

interface Bounds {
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  above?: number;
  /** Exclusive upper bound. */
  below?: number;
}

function describeBounds(b: Bounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`≥ ${b.min}`);
  if (b.above !== undefined) parts.push(`> ${b.above}`);
  if (b.max !== undefined) parts.push(`≤ ${b.max}`);
  if (b.below !== undefined) parts.push(`< ${b.below}`);
  return parts.join(' and ');
}

function inBounds(v: number, b: Bounds): boolean {
  return (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max) && (b.above === undefined || v > b.above) && (b.below === undefined || v < b.below);
}

/** A finite number within bounds (Python accepts ints where it wants floats, and so do we). */
export function number(bounds: Bounds = {}): Rule<number> {
  const b = describeBounds(bounds);
  const expects = b ? `a number ${b}` : 'a finite number';
  return rule(expects, (v, path) => (typeof v === 'number' && Number.isFinite(v) && inBounds(v, bounds) ? v : mismatch(path, expects, v)));
}

/** An integer within bounds: step counts, milestones, thresholds. */
export function integer(bounds: Bounds = {}): Rule<number> {
  const b = describeBounds(bounds);
  const expects = b ? `an integer ${b}` : 'an integer';
  return rule(expects, (v, path) => (typeof v === 'number' && Number.isSafeInteger(v) && inBounds(v, bounds) ? v : mismatch(path, expects, v)));
}

export const boolean: Rule<boolean> = rule('true or false', (v, path) => (typeof v === 'boolean' ? v : mismatch(path, 'true or false', v)));

export function oneOf<const T extends string>(...values: T[]): Rule<T> {
  const expects = `one of ${values.map((v) => `"${v}"`).join(', ')}`;
  return rule(expects, (v, path) => {
    if (typeof v === 'string' && (values as string[]).includes(v)) return v as T;
    return fail(path, `must be ${expects}, got ${show(v)}${typeof v === 'string' ? didYouMean(v, values) : ''}`);
  });
}

/** Python's `None` allowed (the keyword's default is None). */
export function nullable<T>(inner: Rule<T>): Rule<T | null> {
  return rule(`${inner.expects} or null`, (v, path, ctx) => (v === null ? null : inner.read(v, path, ctx)));
}

export function list<T>(item: Rule<T>, opts: { minLength?: number; what?: string } = {}): Rule<T[]> {
  const min = opts.minLength ?? 0;
  const expects = opts.what ?? `a list, each ${item.expects}`;
  return rule(expects, (v, path, ctx) => {
    if (!Array.isArray(v)) return mismatch(path, expects, v);
    if (v.length < min) return fail(path, `must have at least ${min} entr${min === 1 ? 'y' : 'ies'}, got ${v.length}`);
    return v.map((x, i) => item.read(x, `${path}[${i}]`, ctx));
  });
}

/** A (step, value) pair written as a two-element list, as Coqui's configs do. */
export function pair<A, B>(first: Rule<A>, second: Rule<B>): Rule<[A, B]> {
  const expects = `a pair [${first.expects}, ${second.expects}]`;
  return rule(expects, (v, path, ctx) => {
    if (!Array.isArray(v) || v.length !== 2) return mismatch(path, expects, v);
    return [first.read(v[0], `${path}[0]`, ctx), second.read(v[1], `${path}[1]`, ctx)];
  });
}

/**
 * A per-param-group value: PyTorch takes a number or a list with one entry per group. lrscope
 * follows group 0 (the spec's baseLr is group 0's), so a list contributes its first entry.
 */
export function perGroup(inner: Rule<number>): Rule<number> {
  const expects = `${inner.expects}, or a list of them (one per param group)`;
  return rule(expects, (v, path, ctx) => {
    if (!Array.isArray(v)) return inner.read(v, path, ctx);
    if (v.length === 0) return fail(path, 'must not be an empty list');
    const values = v.map((x, i) => inner.read(x, `${path}[${i}]`, ctx));
    return values[0];
  });
}

/** A keyword whose only supported value is its default, with the reason others are not. */
export function only<const T extends string | number | boolean | null>(value: T, why: string): Rule<T> {
  return rule(JSON.stringify(value), (v, path) => (v === value ? value : fail(path, `must be ${JSON.stringify(value)}: ${why}`)));
}

/** Anything: a keyword that cannot affect the LR or cannot be read from JSON (e.g. a lambda's description). */
export const anything: Rule<unknown> = rule('any value', (v) => v);

/** Child schedule specs of a composite, parsed by the caller's parser. */
export function schedules(): Rule<ScheduleSpec[]> {
  const expects = 'a list of at least 1 schedule spec ({"name": ..., "params": {...}})';
  return rule(
    expects,
    (v, path, ctx) => {
      if (!Array.isArray(v)) return mismatch(path, expects, v);
      if (v.length === 0) return fail(path, 'must list at least one scheduler');
      return v.map((x, i) => ctx.parseChild(x, `${path}[${i}]`));
    },
    true,
  );
}

// ---------------------------------------------------------------------------------------------
// Parameter schemas: keyword → rule, required or with the framework's default.

export interface Param<T> {
  readonly rule: Rule<T>;
  readonly required: boolean;
  readonly fallback: T;
}

export function required<T>(r: Rule<T>): Param<T> {
  return { rule: r, required: true, fallback: undefined as T };
}

export function optional<T>(r: Rule<T>, fallback: T): Param<T> {
  return { rule: r, required: false, fallback };
}

export type ParamSchema = Record<string, Param<unknown>>;
export type ParamValues<S extends ParamSchema> = { [K in keyof S]: S[K] extends Param<infer T> ? T : never };

export interface ReadParams<S extends ParamSchema> {
  values: ParamValues<S>;
  /** The user's params as given, except child specs, which are normalized. */
  normalized: Record<string, unknown>;
}

/** Reads `raw` against `schema`: unknown keywords, missing required ones and bad values all throw at their path. */
export function readParams<S extends ParamSchema>(schema: S, raw: Record<string, unknown>, path: string, owner: string, ctx: ReadContext): ReadParams<S> {
  const accepted = Object.keys(schema);
  for (const key of Object.keys(raw)) {
    if (raw[key] === undefined || key in schema) continue;
    const list = accepted.length ? `accepted: ${accepted.join(', ')}` : `${owner} takes no parameters`;
    fail(`${path}.${key}`, `unknown parameter for ${owner}${didYouMean(key, accepted)} (${list})`);
  }
  const values: Record<string, unknown> = {};
  for (const key of accepted) {
    const param = schema[key];
    const given = raw[key];
    if (given !== undefined) values[key] = param.rule.read(given, `${path}.${key}`, ctx);
    else if (param.required) fail(`${path}.${key}`, `required by ${owner}`);
    else values[key] = param.fallback;
  }
  const normalized: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    if (raw[key] !== undefined) normalized[key] = schema[key].rule.keepsParsed ? values[key] : raw[key];
  }
  return { values: values as ParamValues<S>, normalized };
}
