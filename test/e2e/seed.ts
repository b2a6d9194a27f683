// Runs for the browser tests, the screenshots and the live benchmark, posted through the API the
// way a trainer would.
import { data, mutate } from '../helpers/trpc-http';

export const COQUI_SCHEDULE = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' };

export async function createRun(url: string, key: string, input: Record<string, unknown>): Promise<number> {
  return data<{ id: number }>(await mutate(url, 'runs.create', input, key)).id;
}

export async function logPoints(url: string, key: string, runId: number, points: unknown[]): Promise<void> {
  for (let i = 0; i < points.length; i += 5000) data(await mutate(url, 'runs.log', { runId, points: points.slice(i, i + 5000) }, key));
}

const T0 = 1_764_000_000;

/** The Coqui story: StepwiseGradualLR in steps, the scheduler stepped per epoch, the LR stuck at 5e-4. */
export function coquiPoints(from: number, to: number, every = 10) {
  const out = [];
  for (let s = from; s < to; s += every) out.push({ step: s, epoch: Math.floor(s / 500), lr: 5e-4, loss: 3 / Math.sqrt(1 + s / 200) + 0.05 * Math.sin(s / 37), time: T0 + s * 0.2 });
  return out;
}

/** A MultiStepLR run (epoch interval) that follows its schedule. */
export const MULTISTEP = { name: 'MultiStepLR', params: { milestones: [10, 20], gamma: 0.5 }, interval: 'epoch', baseLr: 0.1 };
export function multistepPoints(from: number, to: number, stepsPerEpoch: number, every = 10, seed = 1) {
  const out = [];
  for (let s = from; s < to; s += every) {
    const epoch = Math.floor(s / stepsPerEpoch);
    const lr = 0.1 * 0.5 ** [10, 20].filter((m) => epoch >= m).length;
    out.push({ step: s, epoch, lr, loss: 2.5 / Math.sqrt(1 + (s * seed) / 300) + 0.04 * Math.sin(s / 23 + seed), time: T0 + s * 0.15 * seed, metrics: { accuracy: 1 - 1 / Math.sqrt(2 + s / 100) } });
  }
  return out;
}

/** A handful of runs of every kind, for the runs table. */
export async function seedVariety(url: string, key: string): Promise<{ coqui: number; ok: number; ok2: number; plain: number; plateau: number }> {
  const coqui = await createRun(url, key, { name: 'xtts-coqui-stepwise', schedule: COQUI_SCHEDULE, tags: ['tts', 'xtts'], config: { model: 'xtts_v2', batch_size: 32, scheduler_after_epoch: true, lr: 5e-4 } });
  await logPoints(url, key, coqui, coquiPoints(0, 14_000));
  const ok = await createRun(url, key, { name: 'resnet50-multistep', schedule: MULTISTEP, stepsPerEpoch: 500, tags: ['baseline'], config: { arch: 'resnet50', epochs: 30 } });
  await logPoints(url, key, ok, multistepPoints(0, 12_500, 500));
  const ok2 = await createRun(url, key, { name: 'resnet50-multistep-wd', schedule: MULTISTEP, stepsPerEpoch: 500, tags: ['wd'] });
  await logPoints(url, key, ok2, multistepPoints(0, 11_000, 500, 10, 1.3));
  const plain = await createRun(url, key, { name: 'bert-finetune-no-schedule' });
  await logPoints(url, key, plain, multistepPoints(0, 3000, 500, 10, 0.7).map(({ metrics: _m, ...p }) => ({ ...p, lr: 2e-5 })));
  const plateau = await createRun(url, key, { name: 'gan-plateau', schedule: { name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 3 }, interval: 'epoch', baseLr: 1e-3 }, stepsPerEpoch: 100 });
  await logPoints(url, key, plateau, multistepPoints(0, 2000, 100, 10, 2).map(({ metrics: _m, ...p }) => ({ ...p, lr: 1e-3 })));
  data(await mutate(url, 'runs.finish', { runId: plateau, status: 'crashed' }, key));
  data(await mutate(url, 'runs.finish', { runId: ok2 }, key));
  return { coqui, ok, ok2, plain, plateau };
}
