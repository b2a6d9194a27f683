// Input schemas shared by several procedures. Each message names the rule; the error
// formatter prefixes the field path (e.g. "points[3].lr: must be a finite number ≥ 0").
import { z } from 'zod';
import { MAX_OPTIMIZERS, OPTIMIZER_NAME } from '@/lib/optimizers/optimizer-points';
import { LIMITS } from './limits';

const NONFINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

export const runId = z.number({ error: 'must be a run id (an integer)' }).int('must be a run id (an integer)').positive('must be a run id (a positive integer)');

const step = z
  .number({ error: 'must be an integer ≥ 0' })
  .int('must be an integer ≥ 0')
  .min(0, 'must be an integer ≥ 0')
  .max(LIMITS.maxStep, `must be at most ${LIMITS.maxStep}`);

const lrValue = z.number({ error: 'must be a finite number ≥ 0' }).finite('must be a finite number ≥ 0').min(0, 'must be a finite number ≥ 0');

/**
 * A metric value: a number, or "NaN"/"Infinity"/"-Infinity" since JSON cannot carry them. The
 * spellings become numbers once per point (withNumbers), not in a transform per value, which
 * was about a third of the time validating a batch took.
 */
const metricValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])], {
  error: 'must be a number (or "NaN", "Infinity", "-Infinity")',
});

const metricName = z
  .string()
  .min(1, 'metric names must not be empty')
  .max(LIMITS.metricNameLength, `metric names must be at most ${LIMITS.metricNameLength} characters`)
  .regex(/^[A-Za-z0-9_.\/-]+$/, 'metric names may use letters, digits and _ . / -')
  .refine((n) => n !== 'lr' && n !== 'loss' && n !== 'expected_lr', 'lr and loss have their own fields; expected_lr is reserved');

const lrGroups = z.array(lrValue).min(1, 'must list at least one group').max(LIMITS.lrGroups, `at most ${LIMITS.lrGroups} param groups`);

const OPTIMIZER_NAME_RULE = 'optimizer names are 1 to 64 letters, digits and _ . -';
export const optimizerName = z.string().regex(OPTIMIZER_NAME, OPTIMIZER_NAME_RULE);

/** { [name]: value } for at most MAX_OPTIMIZERS optimizers. */
export const perOptimizer = <T extends z.ZodType>(value: T) =>
  z
    .record(optimizerName, value, { error: (iss) => (iss.code === 'invalid_key' ? OPTIMIZER_NAME_RULE : 'must be an object { [optimizer name]: {...} }') })
    .refine((m) => Object.keys(m).length <= MAX_OPTIMIZERS, `at most ${MAX_OPTIMIZERS} optimizers`);

const optimizerValues = z.strictObject(
  {
    lr: lrValue.optional(),
    lrs: lrGroups.optional(),
    schedulerStep: z.number({ error: 'must be an integer ≥ 0' }).int('must be an integer ≥ 0').min(0, 'must be an integer ≥ 0').max(LIMITS.maxStep, `must be at most ${LIMITS.maxStep}`).optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s) ${iss.keys.join(', ')}; an optimizer's values are lr, lrs, schedulerStep` : 'must be an object { lr?, lrs?, schedulerStep? }') },
);

const wirePoint = z.strictObject(
  {
    step,
    epoch: z.number({ error: 'must be a finite number ≥ 0' }).finite('must be a finite number ≥ 0').min(0, 'must be a finite number ≥ 0').optional(),
    lr: lrValue.optional(),
    lrs: lrGroups.optional(),
    optimizers: perOptimizer(optimizerValues).optional(),
    loss: metricValue.optional(),
    metrics: z
      .record(metricName, metricValue)
      .refine((m) => Object.keys(m).length <= LIMITS.metricsPerPoint, `at most ${LIMITS.metricsPerPoint} metrics per point`)
      .optional(),
    time: z.number({ error: 'must be Unix seconds (a finite number)' }).finite('must be Unix seconds (a finite number)').optional(),
    // The scheduler's own counter (last_epoch) when the LR was read.
    schedulerStep: step.optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s) ${iss.keys.join(', ')}; a point has step, epoch, lr, lrs, optimizers, loss, metrics, time, schedulerStep` : 'must be an object { step, lr?, ... }') },
);

type WirePoint = z.output<typeof wirePoint>;
/** A point as the services take it: every metric a number. */
export type Point = Omit<WirePoint, 'loss' | 'metrics'> & { loss?: number; metrics?: Record<string, number> };

const asNumber = (v: number | keyof typeof NONFINITE) => (typeof v === 'string' ? NONFINITE[v] : v);

/** The point with "NaN"/"Infinity"/"-Infinity" turned into numbers; itself (no copy) when it has none. */
function withNumbers(p: WirePoint): Point {
  let out = p as Point;
  if (typeof p.loss === 'string') out = { ...p, loss: asNumber(p.loss) } as Point;
  if (p.metrics) {
    for (const name in p.metrics) {
      if (typeof p.metrics[name] !== 'string') continue;
      const metrics: Record<string, number> = {};
      for (const n in p.metrics) metrics[n] = asNumber(p.metrics[n]);
      out = { ...out, metrics };
      break;
    }
  }
  return out;
}

export const point = wirePoint.transform(withNumbers);

export const points = z
  .array(wirePoint, { error: 'must be a list of points' })
  .min(1, 'must hold at least one point')
  .max(LIMITS.pointsPerBatch, `at most ${LIMITS.pointsPerBatch} points per batch; split it`)
  .superRefine((pts, ctx) => {
    // Trainers send steps in increasing order; only a batch that is not needs the map.
    let i = 1;
    while (i < pts.length && pts[i].step > pts[i - 1].step) i++;
    if (i >= pts.length) return;
    const seen = new Map<number, number>();
    pts.forEach((p, i) => {
      const first = seen.get(p.step);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'step'], message: `duplicate step ${p.step} (also points[${first}]) in one batch` });
      else seen.set(p.step, i);
    });
  })
  .transform((pts) => pts.map(withNumbers));

/**
 * A tRPC input parser for a hot procedure: the schema compiled (z.compile) and run
 * synchronously. tRPC calls a zod schema's parseAsync, and zod runs async parses on its
 * interpreted path, skipping compiled code; on a batch of 1,000 points that is ~1.7 µs of CPU
 * per point against ~0.4 µs. Issues and messages are zod's own either way: compiled code only
 * decides validity, and a failing input is parsed again by the runtime to describe it. Only
 * for schemas without async refinements or transforms.
 */
export function compiledInput<T extends z.ZodType>(schema: T): { _input: z.input<T>; _output: z.output<T>; parse(value: unknown): z.output<T> } {
  const compiled = z.compile(schema);
  // _input/_output only carry the types to tRPC (its "zod-like" parser shape); it calls parse.
  return { parse: (value: unknown) => compiled.parse(value) } as { _input: z.input<T>; _output: z.output<T>; parse(value: unknown): z.output<T> };
}

function jsonDepth(v: unknown, depth = 0): number {
  if (depth > LIMITS.jsonDepth || v === null || typeof v !== 'object') return depth;
  let max = depth;
  for (const x of Object.values(v as object)) max = Math.max(max, jsonDepth(x, depth + 1));
  return max;
}

// PostgreSQL text and jsonb cannot hold U+0000 (SQLite can): refuse it at the edge, on both, so
// the API accepts the same inputs whatever the database.
const NUL = '\u0000';
export const NO_NUL = 'must not contain the NUL character (U+0000)';
export const text = () => z.string({ error: 'must be a string' }).refine((v) => !v.includes(NUL), NO_NUL);

export const config = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  // abort: the checks after it walk the whole value, and one nested thousands deep overflows the stack.
  .refine((c) => jsonDepth(c) <= LIMITS.jsonDepth, { error: `must nest at most ${LIMITS.jsonDepth} levels deep`, abort: true })
  .refine((c) => JSON.stringify(c).length <= LIMITS.configBytes, `must be at most ${LIMITS.configBytes / 1024} KiB as JSON`)
  .refine((c) => !JSON.stringify(c).includes('\\u0000'), NO_NUL);

export const runName = text().trim().min(1, 'must not be empty').max(LIMITS.runNameLength, `must be at most ${LIMITS.runNameLength} characters`);

export const notes = text().max(LIMITS.notesLength, `must be at most ${LIMITS.notesLength} characters`).nullable();

export const tags = z
  .array(text().min(1, 'tags must not be empty').max(LIMITS.tagLength, `tags must be at most ${LIMITS.tagLength} characters`))
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`);

export const stepsPerEpoch = z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer');

export const cadence = z.strictObject({
  optimizerSteps: z.number().int().min(0),
  schedulerSteps: z.number().int().min(0),
  medianGap: z.number().finite().positive().optional(),
  beforeOptimizerStep: z.boolean().optional(),
  metric: z.literal('scheduler_metric', { error: 'must be "scheduler_metric" (the point metric carrying the values passed to scheduler.step)' }).optional(),
});

export const projectName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use letters, digits and _ . -');

export const runStatus = z.enum(['running', 'finished', 'crashed', 'stalled'], { error: 'must be one of running, finished, crashed, stalled' });
