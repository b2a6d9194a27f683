import { describe, expect, it } from 'vitest';
import { compiledSchedule } from '@/server/runs/compiled-schedule';

const spec = (gamma: number) => ({ name: 'ExponentialLR', params: { gamma }, interval: 'step' as const, baseLr: 0.1 });

describe('compiledSchedule', () => {
  it('returns the same compiled schedule for an equal spec, so replayed sequences are kept', () => {
    const a = compiledSchedule(spec(0.5));
    expect(compiledSchedule(spec(0.5))).toBe(a);
    expect(compiledSchedule(spec(0.25))).not.toBe(a);
    expect(a.verifiable && a.lrAt(2)).toBeCloseTo(0.025, 15);
  });

  it('forgets the least recently used spec beyond its capacity', () => {
    const first = compiledSchedule(spec(0.9));
    for (let i = 0; i < 300; i++) compiledSchedule(spec(0.001 * (i + 1)));
    expect(compiledSchedule(spec(0.9))).not.toBe(first);
  });
});
