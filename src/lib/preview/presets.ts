// Configs to start from: the story lrscope exists for, and the common cases of each framework.
import type { Framework } from './types';

export interface Preset {
  id: string;
  label: string;
  framework: Framework;
  config: Record<string, unknown>;
  stepsPerEpoch: number;
  epochs: number;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'coqui-xtts',
    label: 'Coqui XTTS StepwiseGradualLR (the founding story)',
    framework: 'coqui',
    // scheduler_after_epoch is left out on purpose: its default is the story.
    config: {
      lr: 5e-4,
      lr_scheduler: 'StepwiseGradualLR',
      lr_scheduler_params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4], [40_000, 2e-4]] },
    },
    stepsPerEpoch: 500,
    epochs: 100,
  },
  {
    id: 'hf-cosine-warmup',
    label: 'HF cosine with warm-up',
    framework: 'huggingface',
    config: { lr_scheduler_type: 'cosine', learning_rate: 2e-5, warmup_ratio: 0.1 },
    stepsPerEpoch: 1000,
    epochs: 3,
  },
  {
    id: 'pytorch-multistep',
    label: 'PyTorch MultiStepLR',
    framework: 'pytorch',
    config: { name: 'MultiStepLR', params: { milestones: [30, 60, 80], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 },
    stepsPerEpoch: 500,
    epochs: 90,
  },
  {
    id: 'onecycle',
    label: 'OneCycleLR',
    framework: 'pytorch',
    config: { name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 20_000 }, interval: 'step' },
    stepsPerEpoch: 500,
    epochs: 40,
  },
];

/** The config text a framework's editor starts with when no preset was picked. */
export const STARTERS: Record<Framework, Record<string, unknown>> = {
  pytorch: PRESETS[2].config,
  huggingface: PRESETS[1].config,
  coqui: PRESETS[0].config,
  // LightningCLI's shape; no interval: Lightning's default, "epoch".
  lightning: {
    optimizer: { class_path: 'torch.optim.AdamW', init_args: { lr: 0.001 } },
    lr_scheduler: { class_path: 'torch.optim.lr_scheduler.OneCycleLR', init_args: { max_lr: 0.01, total_steps: 20_000 } },
  },
};
