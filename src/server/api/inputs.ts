// Input schemas shared by several procedures. Each message names the rule; the error
// formatter prefixes the field path (e.g. "points[3].lr: must be a finite number ≥ 0").
import { z } from 'zod';
import { LIMITS } from './limits';

const NONFINITE: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

export const runId = z.number({ error: 'must be a run id (an integer)' }).int('must be a run id (an integer)').positive('must be a run id (a positive integer)');

const step = z
  .number({ error: 'must be an integer ≥ 0' })
  .int('must be an integer ≥ 0')
  .min(0, 'must be an integer ≥ 0')
  .max(LIMITS.maxStep, `must be at most ${LIMITS.maxStep}`);

const lrValue = z.number({ error: 'must be a finite number ≥ 0' }).finite('must be a finite number ≥ 0').min(0, 'must be a finite number ≥ 0');

/** A metric value: a number, or "NaN"/"Infinity"/"-Infinity" since JSON cannot carry them. */
const metricValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])], {
  error: 'must be a number (or "NaN", "Infinity", "-Infinity")',
}).transform((v) => (typeof v === 'string' ? NONFINITE[v] : v));

const metricName = z
  .string()
  .min(1, 'metric names must not be empty')
  .max(LIMITS.metricNameLength, `metric names must be at most ${LIMITS.metricNameLength} characters`)
  .regex(/^[A-Za-z0-9_.\/-]+$/, 'metric names may use letters, digits and _ . / -')
  .refine((n) => n !== 'lr' && n !== 'loss' && n !== 'expected_lr', 'lr and loss have their own fields; expected_lr is reserved');

export const point = z.strictObject(
  {
    step,
    epoch: z.number({ error: 'must be a finite number ≥ 0' }).finite('must be a finite number ≥ 0').min(0, 'must be a finite number ≥ 0').optional(),
    lr: lrValue.optional(),
    lrs: z.array(lrValue).min(1, 'must list at least one group').max(LIMITS.lrGroups, `at most ${LIMITS.lrGroups} param groups`).optional(),
    loss: metricValue.optional(),
    metrics: z
      .record(metricName, metricValue)
      .refine((m) => Object.keys(m).length <= LIMITS.metricsPerPoint, `at most ${LIMITS.metricsPerPoint} metrics per point`)
      .optional(),
    time: z.number({ error: 'must be Unix seconds (a finite number)' }).finite('must be Unix seconds (a finite number)').optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown field(s) ${iss.keys.join(', ')}; a point has step, epoch, lr, lrs, loss, metrics, time` : 'must be an object { step, lr?, ... }') },
);

export const points = z
  .array(point, { error: 'must be a list of points' })
  .min(1, 'must hold at least one point')
  .max(LIMITS.pointsPerBatch, `at most ${LIMITS.pointsPerBatch} points per batch; split it`)
  .superRefine((pts, ctx) => {
    const seen = new Map<number, number>();
    pts.forEach((p, i) => {
      const first = seen.get(p.step);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'step'], message: `duplicate step ${p.step} (also points[${first}]) in one batch` });
      else seen.set(p.step, i);
    });
  });

function jsonDepth(v: unknown, depth = 0): number {
  if (depth > LIMITS.jsonDepth || v === null || typeof v !== 'object') return depth;
  let max = depth;
  for (const x of Object.values(v as object)) max = Math.max(max, jsonDepth(x, depth + 1));
  return max;
}

export const config = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  .refine((c) => jsonDepth(c) <= LIMITS.jsonDepth, `must nest at most ${LIMITS.jsonDepth} levels deep`)
  .refine((c) => JSON.stringify(c).length <= LIMITS.configBytes, `must be at most ${LIMITS.configBytes / 1024} KiB as JSON`);

export const tags = z
  .array(z.string().min(1, 'tags must not be empty').max(LIMITS.tagLength, `tags must be at most ${LIMITS.tagLength} characters`))
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`);

export const stepsPerEpoch = z.number({ error: 'must be a positive integer' }).int('must be a positive integer').positive('must be a positive integer');

export const cadence = z.strictObject({
  optimizerSteps: z.number().int().min(0),
  schedulerSteps: z.number().int().min(0),
  medianGap: z.number().finite().positive().optional(),
  beforeOptimizerStep: z.boolean().optional(),
});

export const projectName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use letters, digits and _ . -');

export const runStatus = z.enum(['running', 'finished', 'crashed', 'stalled'], { error: 'must be one of running, finished, crashed, stalled' });
