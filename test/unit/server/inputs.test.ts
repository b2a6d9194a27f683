// The ingest input schemas: non-finite spellings become numbers once per point, and the compiled,
// synchronous parser runs.log uses answers exactly like the plain schema.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compiledInput, point, points, runId } from '@/server/api/inputs';
import { formatZodIssues } from '@/server/api/zod-messages';

const logInput = z.strictObject({ runId, points });

describe('points', () => {
  it('turns "NaN", "Infinity" and "-Infinity" into numbers, in loss and metrics', () => {
    const [a, b] = points.parse([
      { step: 0, loss: 'NaN', metrics: { acc: 0.5, 'grad/norm': 'Infinity', x: '-Infinity' } },
      { step: 1, lr: 0.1, loss: 2 },
    ]);
    expect(a.loss).toBeNaN();
    expect(a.metrics).toEqual({ acc: 0.5, 'grad/norm': Number.POSITIVE_INFINITY, x: Number.NEGATIVE_INFINITY });
    expect(b).toEqual({ step: 1, lr: 0.1, loss: 2 });
    expect(point.parse({ step: 3, loss: '-Infinity' }).loss).toBe(Number.NEGATIVE_INFINITY);
  });

  it('compiles (z.compile would otherwise fall back to the slow runtime parser without a word)', () => {
    expect(() => z.compile(logInput, { strict: true })).not.toThrow();
  });

  const bad: [string, unknown][] = [
    ['a negative LR', { step: 5, lr: -0.1 }],
    ['an infinite LR', { step: 5, lr: Number.POSITIVE_INFINITY }],
    ['a NaN LR', { step: 5, lr: 'NaN' }],
    ['a fractional step', { step: 1.5 }],
    ['a string step', { step: '7' }],
    ['a missing step', { lr: 0.1 }],
    ['an unknown field', { step: 5, learning_rate: 0.1 }],
    ['a bad metric value', { step: 5, metrics: { acc: 'high' } }],
    ['a bad metric name', { step: 5, metrics: { 'a b': 1 } }],
    ['a reserved metric name', { step: 5, metrics: { lr: 1 } }],
    ['lrs with a negative group', { step: 5, lrs: [0.1, -1] }],
    ['a bad loss', { step: 5, loss: 'Inf' }],
    ['a duplicate step', { step: 0 }],
    ['not an object', 7],
  ];

  it.each(bad)('the compiled parser rejects %s with the same issues as the schema', (_label, p) => {
    const input = { runId: 1, points: [{ step: 0, lr: 0.1 }, p] };
    const want = logInput.safeParse(input);
    expect(want.success).toBe(false);
    let got: unknown;
    try {
      compiledInput(logInput).parse(input);
    } catch (err) {
      got = err;
    }
    expect(got).toBeInstanceOf(z.ZodError);
    expect(formatZodIssues((got as z.ZodError).issues)).toBe(formatZodIssues(want.error!.issues));
    expect(formatZodIssues((got as z.ZodError).issues)).toMatch(/^points\[1\]/);
  });

  it('the compiled parser returns what the schema returns', () => {
    const input = { runId: 3, points: [{ step: 2, epoch: 0, lr: 0.1, lrs: [0.1, 0.01], loss: 'NaN', metrics: { acc: 1 }, time: 1.7e9 }, { step: 1 }] };
    expect(compiledInput(logInput).parse(input)).toEqual(logInput.parse(input));
  });
});
