import { describe, expect, it } from 'vitest';
import { plannedSteps } from '@/lib/planned-steps';

describe('plannedSteps', () => {
  it('reads a step budget under the names trainers use', () => {
    expect(plannedSteps({ max_steps: 5000 }, undefined)).toBe(5000);
    expect(plannedSteps({ num_training_steps: 1200, epochs: 3 }, 100)).toBe(1200);
  });
  it('multiplies an epoch budget by the steps per epoch', () => {
    expect(plannedSteps({ num_train_epochs: 2.5 }, 400)).toBe(1000);
    expect(plannedSteps({ epochs: 50 }, undefined)).toBeUndefined();
  });
  it('ignores what is not a positive number', () => {
    expect(plannedSteps({ max_steps: -1, epochs: '10' }, 100)).toBeUndefined();
    expect(plannedSteps(null, 100)).toBeUndefined();
    expect(plannedSteps([1, 2], 100)).toBeUndefined();
  });
});
