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

  describe('where the integrations put it', () => {
    it('Lightning: max_epochs under config.lightning, times the steps per epoch', () => {
      // What the Lightning callback sends (max_steps -1 when unset).
      expect(plannedSteps({ lightning: { interval: 'epoch', frequency: 1, max_epochs: 10 } }, 500)).toBe(5000);
      expect(plannedSteps({ lightning: { interval: 'epoch', frequency: 1, max_epochs: 10, max_steps: -1 } }, 500)).toBe(5000);
    });
    it('Lightning: max_steps under config.lightning, and the smaller budget when both are set (training stops at the first)', () => {
      expect(plannedSteps({ lightning: { max_steps: 3000, max_epochs: -1 } }, 500)).toBe(3000);
      expect(plannedSteps({ lightning: { max_steps: 3000, max_epochs: 4 } }, 500)).toBe(2000);
      expect(plannedSteps({ lightning: { max_steps: 3000, max_epochs: 40 } }, 500)).toBe(3000);
      // Without steps per epoch, only a step budget is known.
      expect(plannedSteps({ lightning: { max_steps: 3000, max_epochs: 4 } }, undefined)).toBe(3000);
      expect(plannedSteps({ lightning: { max_epochs: 4 } }, null)).toBeUndefined();
    });
    it('Hugging Face: TrainingArguments at the top level or under huggingface/trainer; max_steps overrides the epochs', () => {
      expect(plannedSteps({ learning_rate: 5e-5, max_steps: -1, num_train_epochs: 3 }, 250)).toBe(750);
      expect(plannedSteps({ max_steps: 10_000, num_train_epochs: 3 }, 250)).toBe(10_000);
      expect(plannedSteps({ huggingface: { max_steps: 800, num_train_epochs: 3 } }, 250)).toBe(800);
      expect(plannedSteps({ trainer: { num_train_epochs: 2 } }, 250)).toBe(500);
    });
    it('Coqui: epochs at the top level (the trainer config snapshot)', () => {
      expect(plannedSteps({ lr: 5e-4, lr_scheduler: 'StepwiseGradualLR', scheduler_after_epoch: true, epochs: 1000, batch_size: 32 }, 120)).toBe(120_000);
      expect(plannedSteps({ coqui: { epochs: 10 } }, 120)).toBe(1200);
    });
    it('prefers the framework’s section to the user’s own top-level config', () => {
      expect(plannedSteps({ epochs: 99, lightning: { max_epochs: 5 } }, 100)).toBe(500);
      // A section without a budget falls through to the top level.
      expect(plannedSteps({ epochs: 99, lightning: { interval: 'step' } }, 100)).toBe(9900);
      expect(plannedSteps({ lightning: 'not an object', max_steps: 70 }, 100)).toBe(70);
    });
  });
});
