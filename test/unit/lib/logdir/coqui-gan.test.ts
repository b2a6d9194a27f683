// Coqui's GAN configs (lr_gen / lr_disc): optimizers named and scheduled only where the model's
// code says for certain which index is which (coqui-gan.ts), never a guess that could raise a
// false alarm.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { coquiGan } from '@/lib/logdir/coqui-gan';
import { folderSchedule, optimizerNames } from '@/lib/logdir/folder-schedule';

const GAN = path.resolve(import.meta.dirname, '../../../fixtures/logdir/coqui-gan');
const fixture = (run: string) => readFileSync(path.join(GAN, `hifigan_${run}-December-07-2026_06+00PM-0000000/config.json`), 'utf8');
const schedule = (config: string | object, stepsPerEpoch = 200) => folderSchedule({ files: { 'config.json': typeof config === 'string' ? config : JSON.stringify(config) }, texts: new Map(), stepsPerEpoch });
const vocoder = { generator_model: 'hifigan_generator', discriminator_model: 'hifigan_discriminator', lr_gen: 2e-4, lr_disc: 1e-4 };

describe('a Coqui GAN vocoder config', () => {
  it('names current_lr_0 disc and current_lr_1 gen, and checks each against the shared schedule from its own LR', () => {
    expect(optimizerNames({ 'config.json': fixture('ok') })).toEqual({ '0': 'disc', '1': 'gen' });
    const s = schedule(fixture('ok'));
    const exp = (baseLr: number) => ({ name: 'ExponentialLR', params: { gamma: 0.9 }, baseLr, interval: 'epoch' });
    expect(s.optimizers).toEqual([
      { name: 'disc', spec: exp(1e-4) },
      { name: 'gen', spec: exp(2e-4) },
    ]);
    // The run-level schedule is the first optimizer's.
    expect(s).toMatchObject({ spec: exp(1e-4), from: 'config.json (Coqui)', stepsPerEpoch: 200, problems: [] });
    expect(s.cadence).toMatch(/^Coqui steps the scheduler once per epoch: scheduler_after_epoch is true/);
  });

  it('keeps the step-based StepwiseGradualLR in steps for both, so stepping it per epoch is caught', () => {
    const s = schedule(fixture('broken'));
    expect(s.optimizers?.map((o) => [o.name, o.spec?.name, o.spec?.interval])).toEqual([
      ['disc', 'StepwiseGradualLR', 'step'],
      ['gen', 'StepwiseGradualLR', 'step'],
    ]);
  });

  it('checks neither schedule when gen and disc have different schedulers: which one drives which optimizer depends on the Coqui version', () => {
    const s = schedule(fixture('mixed'));
    expect(s.spec).toBeUndefined();
    expect(s.optimizers).toEqual([{ name: 'disc' }, { name: 'gen' }]);
    expect(s.notes).toEqual([expect.stringMatching(/^a GAN vocoder: the LRs of disc \(current_lr_0\) and gen \(current_lr_1\) are charted, their schedules not checked: lr_scheduler_gen and lr_scheduler_disc differ/)]);
    // Only the params differ: just as unknown.
    expect(schedule({ ...vocoder, lr_scheduler_gen: 'ExponentialLR', lr_scheduler_gen_params: { gamma: 0.9 }, lr_scheduler_disc: 'ExponentialLR', lr_scheduler_disc_params: { gamma: 0.99 } }).optimizers).toEqual([{ name: 'disc' }, { name: 'gen' }]);
    // The same params written in another order are the same.
    const params = (a: number, b: number) => ({ gradual_learning_rates: [[0, a], [1000, b]], last_epoch: -1 });
    const same = coquiGan({ ...vocoder, lr_scheduler_gen: 'StepwiseGradualLR', lr_scheduler_gen_params: params(1e-3, 5e-4), lr_scheduler_disc: 'StepwiseGradualLR', lr_scheduler_disc_params: { last_epoch: -1, gradual_learning_rates: [[0, 1e-3], [1000, 5e-4]] } });
    expect(same?.optimizers.every((o) => o.config !== undefined)).toBe(true);
  });

  it('checks neither when stepped per step with a discriminator that starts late, nor when there is no scheduler', () => {
    const late = coquiGan({ ...vocoder, lr_scheduler_gen: 'ExponentialLR', lr_scheduler_disc: 'ExponentialLR', scheduler_after_epoch: false, steps_to_start_discriminator: 5000 });
    expect(late?.optimizers).toEqual([{ name: 'disc' }, { name: 'gen' }]);
    expect(late?.notes[0]).toMatch(/discriminator starts at step 5000/);
    // Per epoch, both are stepped at each epoch's end whatever the discriminator does.
    expect(coquiGan({ ...vocoder, lr_scheduler_gen: 'ExponentialLR', lr_scheduler_disc: 'ExponentialLR', steps_to_start_discriminator: 5000 })?.optimizers.map((o) => o.config?.lr)).toEqual([1e-4, 2e-4]);
    expect(coquiGan({ ...vocoder, lr_scheduler_gen: null, lr_scheduler_disc: null })?.notes[0]).toMatch(/no lr_scheduler_gen/);
  });

  it("names the config's own field when one optimizer's scheduler cannot be read", () => {
    const s = schedule({ ...vocoder, lr_disc: -1, lr_scheduler_gen: 'ExponentialLR', lr_scheduler_gen_params: { gamma: 0.9 }, lr_scheduler_disc: 'ExponentialLR', lr_scheduler_disc_params: { gamma: 0.9 } });
    expect(s.problems).toEqual([{ file: 'config.json (Coqui)', message: 'lr_disc: must be a number > 0, got -1' }]);
    expect(s.optimizers?.map((o) => [o.name, o.spec?.baseLr])).toEqual([
      ['disc', undefined],
      ['gen', 2e-4],
    ]);
  });
});

describe('other Coqui models with lr_gen / lr_disc (VITS)', () => {
  it('keeps the index as the name and checks no schedule: their optimizer order changed between versions', () => {
    const vits = { model: 'vits', lr_gen: 2e-4, lr_disc: 2e-4, lr_scheduler_gen: 'ExponentialLR', lr_scheduler_gen_params: { gamma: 0.999875 }, lr_scheduler_disc: 'ExponentialLR', lr_scheduler_disc_params: { gamma: 0.999875 }, scheduler_after_epoch: true, lr: 0.001, lr_scheduler: null };
    expect(optimizerNames({ 'config.json': JSON.stringify(vits) })).toEqual({});
    const s = schedule(vits);
    expect(s).toMatchObject({ spec: undefined, from: 'config.json (Coqui)', optimizers: [{ name: '0' }, { name: '1' }], problems: [] });
    expect(s.notes[0]).toMatch(/^a GAN config \(vits\): which of current_lr_0 \/ current_lr_1 is the generator differs between versions/);
  });

  it('is not a GAN config without both lr_gen and lr_disc, and a config.json that is not JSON names nothing', () => {
    expect(coquiGan({ lr_gen: 1e-4 })).toBeUndefined();
    expect(optimizerNames({ 'config.json': '{' })).toEqual({});
    expect(optimizerNames({})).toEqual({});
  });
});
