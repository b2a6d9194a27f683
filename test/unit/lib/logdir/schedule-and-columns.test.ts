// What a run folder means without code: which logged tag is the LR (several optimizers: optimizer-lrs.test.ts),
// and which schedule the configs beside the logs describe — through the preview's translation.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { observeEpochs, stepsPerEpochOf } from '@/lib/logdir/epoch-length';
import { folderSchedule } from '@/lib/logdir/folder-schedule';
import { readEventRows } from '@/lib/logdir/log-rows';
import { mapLogColumns, toLogPoints } from '@/lib/logdir/point-mapping';
import { parseYaml, YamlError } from '@/lib/logdir/yaml';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/logdir');
const text = (rel: string) => readFileSync(path.join(FIXTURES, rel), 'utf8');
const HF_RUN = path.join(FIXTURES, 'hf/bert-finetune/runs/Dec07_17-45-00_trainbox');

describe('point mapping', () => {
  it('leaves out values the API refuses, saying which', () => {
    const m = mapLogColumns(['lr', 'loss']);
    const { points, dropped } = toLogPoints([{ step: 1, cells: { lr: Number.NaN, loss: 1 } }, { step: -2, cells: { loss: 1 } }], m);
    expect(points).toEqual([{ step: 1, loss: 1 }]);
    expect(dropped).toEqual(['step 1: LR NaN is not a finite number ≥ 0', 'step -2: must be a whole number from 0 to 2147483647']);
  });

  it('keeps at most 500 columns of a file as metrics, saying how many were left out', () => {
    const cols = ['lr', ...Array.from({ length: 600 }, (_, i) => `layer${i}/mean`)];
    const m = mapLogColumns(cols);
    expect(m.metrics.size).toBe(500);
    expect(m.notes).toEqual(['100 more columns are not kept: at most 500 per file become metrics']);
  });

  it('says when no column is the LR, and when several tie', () => {
    expect(mapLogColumns(['loss']).notes).toEqual(['no learning-rate column (lr, learning_rate, current_lr, lr-<optimizer>): the LR is not charted']);
    expect(mapLogColumns(['a/lr', 'b/lr']).notes).toEqual(['columns "a/lr" and "b/lr" all look like the learning rate: none is used as the LR']);
  });
});

describe('the schedule beside the logs', () => {
  it("reads Coqui's config.json: StepwiseGradualLR meant per step, stepped per epoch by default", () => {
    const s = folderSchedule({ files: { 'config.json': text('coqui/glow_tts_ljspeech-December-07-2026_05+45PM-0000000/config.json') }, texts: new Map(), stepsPerEpoch: 200 });
    expect(s).toMatchObject({ from: 'config.json (Coqui)', stepsPerEpoch: 200, spec: { name: 'StepwiseGradualLR', baseLr: 5e-4, interval: 'step' }, problems: [] });
    expect(s.cadence).toBe('Coqui steps the scheduler once per epoch: scheduler_after_epoch is not set, and defaults to true.');
  });

  it("reads the TrainingArguments tensorboardX wrote as text, with trainer_state.json's length when it trains by epochs", () => {
    const file = readdirSync(HF_RUN).find((f) => f.includes('tfevents'))!;
    const texts = readEventRows(new Uint8Array(readFileSync(path.join(HF_RUN, file))), 0, { nonScalar: [] }).texts!;
    expect([...texts.keys()]).toEqual(['args/text_summary']);
    expect(folderSchedule({ files: {}, texts }).spec).toEqual({ name: 'linear', params: { num_warmup_steps: 100, num_training_steps: 2000 }, baseLr: 5e-5, interval: 'step' });
    const byEpochs = new Map([['args/text_summary', JSON.stringify({ learning_rate: 1e-4, lr_scheduler_type: 'cosine', max_steps: -1, num_train_epochs: 2, warmup_ratio: 0.1 })]]);
    expect(folderSchedule({ files: {}, texts: byEpochs })).toEqual({ from: 'TrainingArguments (Hugging Face)', problems: [], notes: ['the run trains by epochs: its schedule is known once the logs show how many steps an epoch has'] });
    expect(folderSchedule({ files: {}, texts: byEpochs, stepsPerEpoch: 500 }).spec?.params).toEqual({ num_warmup_steps: 100, num_training_steps: 1000 });
    expect(folderSchedule({ files: { 'trainer_state.json': text('hf/bert-finetune/trainer_state.json') }, texts: byEpochs }).spec?.params).toEqual({ num_warmup_steps: 200, num_training_steps: 2000 });
  });

  it("reads Lightning's hparams.yaml: a scheduler left at the default interval is stepped per epoch", () => {
    const s = folderSchedule({ files: { 'hparams.yaml': text('lightning/lightning_logs/version_0/hparams.yaml') }, texts: new Map() });
    expect(s).toMatchObject({ from: 'hparams.yaml (Lightning)', spec: { name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 3000 }, baseLr: 0.001, interval: 'step' } });
    expect(s.cadence).toBe('Lightning steps the scheduler once per epoch: its interval is not set, and defaults to "epoch".');
    const stepped = folderSchedule({ files: { 'hparams.yaml': 'lr: 0.1\nlr_scheduler: StepLR\nlr_scheduler_params:\n  step_size: 30\ninterval: step\n' }, texts: new Map() });
    expect(stepped).toMatchObject({ spec: { name: 'StepLR', params: { step_size: 30 }, baseLr: 0.1, interval: 'step' }, cadence: 'Lightning steps the scheduler after every optimizer step: its interval is "step".' });
  });

  it('lets an lrscope.json win over the rest, and says which config could not be read', () => {
    const spec = { name: 'ExponentialLR', params: { gamma: 0.9 }, interval: 'epoch', baseLr: 0.01 };
    expect(folderSchedule({ files: { 'lrscope.json': JSON.stringify({ schedule: spec, stepsPerEpoch: 40 }), 'config.json': text('coqui/glow_tts_ljspeech-December-07-2026_05+45PM-0000000/config.json') }, texts: new Map() })).toMatchObject({ from: 'lrscope.json', spec, stepsPerEpoch: 40 });
    expect(folderSchedule({ files: { 'lrscope.json': '{"name": ' }, texts: new Map() }).problems[0].message).toMatch(/^cannot be read: /);
    expect(folderSchedule({ files: { 'config.json': '{"lr": -1, "lr_scheduler": "StepwiseGradualLR"}' }, texts: new Map() }).problems).toEqual([{ file: 'config.json (Coqui)', message: 'lr: must be a number > 0, got -1' }]);
    expect(folderSchedule({ files: { 'config.json': '{"model": "x"}' }, texts: new Map() })).toEqual({ notes: [], problems: [] });
  });

});

describe('steps per epoch from the logs', () => {
  it("counts Coqui's epoch ends, and Hugging Face's fractional epochs", () => {
    const clues = { ends: [] as number[] };
    const g = (step: number, tag: string) => ({ step, cells: { [tag]: 1 } });
    observeEpochs(clues, [g(25, 'm_TrainIterStats/loss'), g(200, 'm_TrainEpochStats/epoch_time')], []);
    expect(stepsPerEpochOf(clues)).toBe(200);
    observeEpochs(clues, [g(400, 'm_TrainEpochStats/epoch_time'), g(450, 'm_TrainEpochStats/epoch_time')], []);
    expect(clues.ends).toEqual([200, 400]);
    const hf = { ends: [] as number[] };
    observeEpochs(hf, [], [{ step: 10, epoch: 0.02 }]);
    expect(stepsPerEpochOf(hf)).toBe(500);
    expect(stepsPerEpochOf({ ends: [] })).toBeUndefined();
  });
});

describe('YAML as yaml.dump writes it', () => {
  it('reads mappings, lists, nested lists, tuples, flow collections and scalars', () => {
    expect(parseYaml(text('lightning/lightning_logs/version_0/hparams.yaml'))).toEqual({
      batch_size: 64,
      lr_scheduler: { class_path: 'torch.optim.lr_scheduler.OneCycleLR', init_args: { max_lr: 0.01, total_steps: 3000 } },
      optimizer: { class_path: 'torch.optim.AdamW', init_args: { lr: 0.001, weight_decay: 0.01 } },
    });
    expect(parseYaml("betas: !!python/tuple\n- 0.9\n- 0.998\nrates:\n- - 0\n  - 0.0005\n- - 1000\n  - 4.0e-04\nflow: [1, 'a', {x: 3}]\nq: 'it''s'\nitems:\n  - name: x\n    v: 1\n  - name: y\nnone: ~\nyes: true\n# a comment\nhalf: .5\n")).toEqual({
      betas: [0.9, 0.998],
      rates: [[0, 0.0005], [1000, 0.0004]],
      flow: [1, 'a', { x: 3 }],
      q: "it's",
      items: [{ name: 'x', v: 1 }, { name: 'y' }],
      none: null,
      yes: true,
      half: 0.5,
    });
  });

  it('names the line it cannot read', () => {
    expect(() => parseYaml('a: 1\n  b: 2\n')).toThrow(YamlError);
    expect(() => parseYaml('a: 1\n\tb: 2\n')).toThrow('line 2: tabs are not allowed for indentation in YAML');
  });
});
