// The demo's five runs: what each simulated training loop configures and how it actually steps
// the scheduler (two as configured, three with the classic mistakes).
import type { ScheduleSpec } from '@/lib/schedules/types';
import type { Cause } from '@/lib/verdict';

export const EPOCHS = 48;

export interface Scenario {
  name: string;
  /** What the simulated training loop does, in a trainer's words. */
  story: string;
  schedule: ScheduleSpec;
  stepsPerEpoch: number;
  config: Record<string, unknown>;
  /** scheduler.step() calls made before optimizer step `step` (0-based) — where the mistake lives. */
  counter(step: number, epoch: number): number;
  /** The epoch as the trainer logs it (Hugging Face logs fractions). */
  loggedEpoch(step: number, epoch: number): number;
  /** What lrscope should say by the end of the run. */
  expected: { flagged: boolean; causes: Cause[] };
}

/** The five runs for `steps` optimizer steps each, in 48 epochs; thresholds scale with the run. */
export function demoScenarios(steps: number): Scenario[] {
  const spe = Math.max(1, Math.round(steps / EPOCHS));
  const at = (fraction: number) => Math.max(2, Math.round(steps * fraction));
  const intEpoch = (_s: number, e: number) => e;
  const hfEpoch = (s: number) => Math.round((s / spe) * 1e4) / 1e4;
  // Coqui's founding story is 5e-4, then 4e-4 after 10,000 steps, 3e-4 after 20,000: at the
  // default 24,000 steps those are the very numbers; shorter runs scale them.
  const coqui = [at(10 / 24), at(20 / 24), at(30 / 24)];
  return [
    {
      name: 'demo-resnet-multisteplr-per-epoch',
      story: 'MultiStepLR stepped once per epoch, as configured',
      schedule: { name: 'MultiStepLR', params: { milestones: [EPOCHS / 2, (EPOCHS * 3) / 4], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 },
      stepsPerEpoch: spe,
      config: { epochs: EPOCHS, batch_size: 256, optimizer: 'SGD', momentum: 0.9 },
      counter: (_s, e) => e,
      loggedEpoch: intEpoch,
      expected: { flagged: false, causes: [] },
    },
    {
      name: 'demo-hf-cosine-warmup',
      story: 'Hugging Face cosine with warm-up, stepped after every optimizer step (as the Trainer does)',
      schedule: { name: 'cosine', params: { num_warmup_steps: at(0.05), num_training_steps: steps }, interval: 'step', baseLr: 3e-4 },
      stepsPerEpoch: spe,
      config: { max_steps: steps, lr_scheduler_type: 'cosine', warmup_ratio: 0.05 },
      counter: (s) => s,
      loggedEpoch: hfEpoch,
      expected: { flagged: false, causes: [] },
    },
    {
      name: 'demo-coqui-stepwise-per-epoch',
      story: "Coqui StepwiseGradualLR written in steps, but scheduler_after_epoch=True steps it once per epoch",
      schedule: {
        name: 'StepwiseGradualLR',
        params: { gradual_learning_rates: [[0, 5e-4], [coqui[0], 4e-4], [coqui[1], 3e-4], [coqui[2], 2e-4]] },
        interval: 'step',
      },
      stepsPerEpoch: spe,
      config: { epochs: EPOCHS, lr_scheduler: 'StepwiseGradualLR', scheduler_after_epoch: true },
      counter: (_s, e) => e,
      loggedEpoch: intEpoch,
      expected: { flagged: true, causes: ['stepped_per_epoch', 'stuck'] },
    },
    {
      name: 'demo-steplr-never-stepped',
      story: 'StepLR(step_size=6 epochs) built, but scheduler.step() is never called',
      schedule: { name: 'StepLR', params: { step_size: 6, gamma: 0.5 }, interval: 'epoch', baseLr: 0.05 },
      stepsPerEpoch: spe,
      config: { epochs: EPOCHS, batch_size: 128, optimizer: 'SGD' },
      counter: () => 0,
      loggedEpoch: intEpoch,
      expected: { flagged: true, causes: ['never_stepped', 'stuck'] },
    },
    {
      name: 'demo-linear-grad-accum-4x',
      story: 'Hugging Face linear decay in a hand-written loop with gradient accumulation 4: scheduler.step() after every micro-batch',
      schedule: { name: 'linear', params: { num_warmup_steps: 0, num_training_steps: steps }, interval: 'step', baseLr: 2e-4 },
      stepsPerEpoch: spe,
      config: { max_steps: steps, gradient_accumulation_steps: 4 },
      counter: (s) => 4 * s,
      loggedEpoch: hfEpoch,
      expected: { flagged: true, causes: ['stepped_too_often'] },
    },
  ];
}
