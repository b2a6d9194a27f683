// Rows → points: merged by step, every value checked, errors naming the line and the column.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '@/lib/import/csv';
import { parseJsonLines } from '@/lib/import/json-rows';
import { toPoints } from '@/lib/import/to-points';

const csv = (text: string, mapping = { step: 'step', lr: 'lr', loss: 'loss', epoch: 'epoch' }) => toPoints(parseCsv(text), mapping);

describe('toPoints', () => {
  it('merges the rows of one step, a later value winning, and sorts by step', () => {
    const { points, rowsUsed } = csv('step,lr,loss,epoch\n10,0.1,,0\n0,0.1,2.5,0\n10,,2.0,\n10,0.09,,\n');
    expect(points).toEqual([
      { step: 0, lr: 0.1, loss: 2.5, epoch: 0 },
      { step: 10, lr: 0.09, loss: 2.0, epoch: 0 },
    ]);
    expect(rowsUsed).toBe(4);
  });

  it('takes scientific notation, whole-number floats as steps, and NaN or infinite losses', () => {
    expect(csv('step,lr,loss\n1.0,5e-4,nan\n2,5E-04,inf\n3,.0005,-Infinity\n').points).toEqual([
      { step: 1, lr: 5e-4, loss: Number.NaN },
      { step: 2, lr: 5e-4, loss: Number.POSITIVE_INFINITY },
      { step: 3, lr: 5e-4, loss: Number.NEGATIVE_INFINITY },
    ]);
  });

  it('skips rows with only a step, and rows with nothing mapped', () => {
    expect(csv('step,lr,acc\n0,,0.5\n1,0.1,\n,,0.7\n').points).toEqual([{ step: 1, lr: 0.1 }]);
  });

  it('names the line and column of a value that breaks the rules', () => {
    expect(() => csv('step,lr\n0,0.1\n1,abc\n')).toThrow('line 3, column "lr" (lr): must be a finite number ≥ 0, got "abc"');
    expect(() => csv('step,lr\n0,-0.1\n')).toThrow('line 2, column "lr" (lr): must be a finite number ≥ 0, got -0.1');
    expect(() => csv('step,lr\n0,nan\n')).toThrow('line 2, column "lr" (lr): must be a finite number ≥ 0, got NaN');
    expect(() => csv('step,lr\n1.5,0.1\n')).toThrow('line 2, column "step" (step): must be a whole number ≥ 0, got 1.5');
    expect(() => csv('step,lr\n-1,0.1\n')).toThrow('line 2, column "step" (step): must be a whole number ≥ 0, got -1');
    expect(() => csv('step,lr\n0x10,0.1\n')).toThrow('line 2, column "step" (step): must be a whole number ≥ 0, got "0x10"');
    expect(() => csv('step,lr\n3000000000,0.1\n')).toThrow('line 2, column "step" (step): must be at most 2,147,483,647, got 3000000000');
    expect(() => csv('step,lr\n,0.1\n')).toThrow('line 2, column "step" (step): is empty, but the row has values; every row with values needs its step');
    expect(() => csv('step,lr,epoch\n0,0.1,-1\n')).toThrow('line 2, column "epoch" (epoch): must be a finite number ≥ 0, got -1');
  });

  it('names JSON lines the same way, and refuses booleans', () => {
    const t = parseJsonLines('{"step": 0, "lr": 0.1}\n{"step": 1, "lr": true}\n');
    expect(() => toPoints(t, { step: 'step', lr: 'lr' })).toThrow('line 2, column "lr" (lr): must be a finite number ≥ 0, got true');
  });

  it('reads times as Unix seconds', () => {
    expect(toPoints(parseCsv('step,lr,t\n0,1,1764000000.5\n'), { step: 'step', lr: 'lr', time: 't' }).points).toEqual([{ step: 0, lr: 1, time: 1_764_000_000.5 }]);
  });
});
