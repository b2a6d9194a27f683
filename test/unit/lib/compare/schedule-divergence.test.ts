import { describe, expect, it } from 'vitest';
import { firstDivergence, MAX_SCAN } from '@/lib/compare/schedule-divergence';
import type { ScheduleSpec } from '@/lib/schedules/types';

const multi = (milestones: number[], gamma = 0.5): ScheduleSpec => ({ name: 'MultiStepLR', params: { milestones, gamma }, interval: 'step', baseLr: 0.1 });
const side = (schedule: ScheduleSpec | null, stepsPerEpoch: number | null = null) => ({ schedule, stepsPerEpoch });

describe('firstDivergence', () => {
  it('finds the first step where two schedules prescribe different LRs', () => {
    expect(firstDivergence(side(multi([100, 200])), side(multi([100, 250])), 1000)).toEqual({ kind: 'parts', step: 200, a: 0.025, b: 0.05 });
    expect(firstDivergence(side(multi([100])), side(multi([100], 0.1)), 1000)).toEqual({ kind: 'parts', step: 100, a: 0.05, b: expect.closeTo(0.01, 12) });
  });

  it('parts at step 0 when the base LR differs', () => {
    expect(firstDivergence(side(multi([100])), side({ ...multi([100]), baseLr: 0.2 }), 10)).toMatchObject({ kind: 'parts', step: 0, a: 0.1, b: 0.2 });
  });

  it('does not part for two specs written differently that do the same', () => {
    const step: ScheduleSpec = { name: 'StepLR', params: { step_size: 100, gamma: 0.5 }, interval: 'step', baseLr: 0.1 };
    expect(firstDivergence(side(step), side(multi([100, 200, 300, 400])), 499)).toEqual({ kind: 'same', upTo: 499 });
    expect(firstDivergence(side(step), side(multi([100, 200, 300, 400])), 500)).toMatchObject({ kind: 'parts', step: 500 });
  });

  it('maps epoch schedules through each run’s steps per epoch', () => {
    const epochs: ScheduleSpec = { name: 'MultiStepLR', params: { milestones: [2], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 };
    expect(firstDivergence(side(epochs, 100), side(epochs, 150), 1000)).toEqual({ kind: 'parts', step: 200, a: 0.05, b: 0.1 });
    expect(firstDivergence(side(epochs, 100), side(epochs, 100), 1000)).toEqual({ kind: 'same', upTo: 1000 });
  });

  it('says why it cannot compare', () => {
    expect(firstDivergence(side(null), side(multi([1])), 10)).toEqual({ kind: 'unknown', reason: 'first run: no schedule was sent' });
    const epochs: ScheduleSpec = { name: 'StepLR', params: { step_size: 1 }, interval: 'epoch', baseLr: 0.1 };
    expect(firstDivergence(side(multi([1])), side(epochs), 10)).toEqual({ kind: 'unknown', reason: 'second run: StepLR is stepped per epoch, and the run did not send stepsPerEpoch' });
    const lambda = firstDivergence(side({ name: 'LambdaLR', params: {} }), side(multi([1])), 10);
    expect(lambda.kind).toBe('unknown');
    expect(lambda.kind === 'unknown' && lambda.reason).toMatch(/^first run: LambdaLR cannot be checked/);
  });

  it('scans at most MAX_SCAN steps and never below zero', () => {
    expect(firstDivergence(side(multi([1])), side(multi([1])), 1e12)).toEqual({ kind: 'same', upTo: MAX_SCAN });
    expect(firstDivergence(side(multi([1])), side(multi([1])), -5)).toEqual({ kind: 'same', upTo: 0 });
  });
});
