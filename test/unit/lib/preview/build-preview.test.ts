// The preview end to end: each preset, the curve the trainer will produce on the clock it really
// uses, the intended curve beside it when they differ, the detector's warnings, and errors shown
// next to the field they belong to.
import { describe, expect, it } from 'vitest';
import { buildPreview, type Framework, type PreviewOk, type PreviewResult, PRESETS, STARTERS } from '@/lib/preview';

function preview(framework: Framework, config: unknown, stepsPerEpoch: number | string = 500, epochs: number | string = 10): PreviewResult {
  return buildPreview({ framework, config: typeof config === 'string' ? config : JSON.stringify(config), stepsPerEpoch: String(stepsPerEpoch), epochs: String(epochs) });
}

function ok(r: PreviewResult): PreviewOk {
  if (!r.ok) throw new Error(`preview failed: ${JSON.stringify(r.errors)}`);
  return r;
}

const preset = (id: string) => {
  const p = PRESETS.find((x) => x.id === id)!;
  return ok(preview(p.framework, p.config, p.stepsPerEpoch, p.epochs));
};

/** The bucket that holds an optimizer step. */
const at = (r: PreviewOk, step: number, curve: 'actual' | 'intended' = 'actual') => r.curves[curve]!.find((b, i, all) => b.step <= step && (i === all.length - 1 || all[i + 1].step > step))!;

describe('the presets', () => {
  it('offers the four starting points, each of which previews', () => {
    expect(PRESETS.map((p) => p.label)).toEqual(['Coqui XTTS StepwiseGradualLR (the founding story)', 'HF cosine with warm-up', 'PyTorch MultiStepLR', 'OneCycleLR']);
    for (const p of PRESETS) expect(preview(p.framework, p.config, p.stepsPerEpoch, p.epochs).ok).toBe(true);
  });

  it('Coqui XTTS: shows the intended steps and the flat line Coqui actually produces, and why', () => {
    const r = preset('coqui-xtts');
    expect(r.intended).toBe('step');
    expect(r.actual).toBe('epoch');
    expect(r.spec).toEqual({ name: 'StepwiseGradualLR', params: PRESETS[0].config.lr_scheduler_params, baseLr: 5e-4, interval: 'step' });
    expect(r.run).toEqual({ stepsPerEpoch: 500, epochs: 100, totalSteps: 50_000, from: null });
    expect(r.cadence).toBe('Coqui steps the scheduler once per epoch: scheduler_after_epoch is not set, and defaults to true.');
    expect(r.fix).toMatch(/^set "scheduler_after_epoch": false/);
    expect(r.warnings).toEqual([
      'StepwiseGradualLR is written in optimizer steps, but this run steps it once per epoch: its first change (at 10,000) needs 10,000 epochs.',
      'StepwiseGradualLR first changes the LR after 10,000 epochs, but the run is planned for 100 epochs: the LR will never change.',
    ]);
    expect(r.firstChange).toEqual({ intended: 10_000, actual: 5_000_000 });
    expect(r.markers).toEqual([{ step: 10_000, label: 'first change as written: step 10,000' }]);
    expect(r.curves.actual.every((b) => b.min === 5e-4 && b.max === 5e-4)).toBe(true);
    expect(r.lr).toEqual({ start: 5e-4, end: 5e-4, min: 5e-4, max: 5e-4 });
    expect(r.curves.actual.length).toBeLessThanOrEqual(2000);
    expect(r.curves.intended!.length).toBeLessThanOrEqual(2000);
    expect(at(r, 9_999, 'intended').max).toBe(5e-4);
    expect(at(r, 10_000, 'intended').min).toBe(4e-4);
    expect(at(r, 30_000, 'intended').value).toBeCloseTo(3e-4, 15);
    expect(at(r, 49_999, 'intended').value).toBeCloseTo(2e-4, 15);
  });

  it('Coqui with scheduler_after_epoch false: one curve, the intended one, and no warning', () => {
    const r = ok(preview('coqui', { ...PRESETS[0].config, scheduler_after_epoch: false }, 500, 100));
    expect(r.actual).toBe('step');
    expect(r.curves.intended).toBeUndefined();
    expect(r.warnings).toEqual([]);
    expect(r.markers).toEqual([]);
    expect(at(r, 10_000).min).toBe(4e-4);
  });

  it('HF cosine with warm-up: warms up over 10% of the run, then follows the cosine to 0', () => {
    const r = preset('hf-cosine-warmup');
    expect(r.curves.intended).toBeUndefined();
    expect(r.bucket).toBe(2);
    const hf = (n: number) => 2e-5 * (n < 300 ? n / 300 : 0.5 * (1 + Math.cos((Math.PI * (n - 300)) / 2700)));
    for (const b of r.curves.actual) {
      expect(b.min).toBeCloseTo(Math.min(hf(b.step), hf(b.step + 1)), 15);
      expect(b.max).toBeCloseTo(Math.max(hf(b.step), hf(b.step + 1)), 15);
    }
    expect(r.warnings).toEqual([]);
    expect(r.notes).toEqual(['num_training_steps = 3 epochs × 1,000 steps = 3,000.', 'num_warmup_steps = ceil(0.1 × 3,000) = 300.']);
  });

  it('PyTorch MultiStepLR: drops ×0.1 at epochs 30, 60 and 80, kept visible inside its bucket', () => {
    const r = preset('pytorch-multistep');
    expect(r.actual).toBe('epoch');
    expect(r.firstChange).toEqual({ intended: 15_000, actual: 15_000 });
    const drop = at(r, 15_000);
    expect([drop.min, drop.max]).toEqual([0.1 * 0.1, 0.1]);
    expect(at(r, 35_000).value).toBeCloseTo(1e-3, 15);
    expect(at(r, 44_999).value).toBeCloseTo(1e-4, 15);
  });

  it('OneCycleLR: starts at max_lr / 25, peaks at max_lr after 30%, ends near max_lr / 25 / 10⁴', () => {
    const r = preset('onecycle');
    expect(r.curves.actual[0].min).toBeCloseTo(4e-4, 15);
    expect(r.lr.start).toBeCloseTo(4e-4, 15);
    expect(r.lr.max).toBeCloseTo(0.01, 15);
    expect(r.lr.end).toBeCloseTo(4e-8, 12);
    expect(r.lr.min).toBe(r.lr.end);
    expect(at(r, 5_999).max).toBeCloseTo(0.01, 15);
    expect(r.curves.actual.at(-1)!.min).toBeCloseTo(4e-8, 12);
    expect(r.markers).toEqual([]);
  });
});

describe('the interval the trainer really uses', () => {
  it('shows a OneCycleLR stepped per epoch beside the one written, and where PyTorch will raise', () => {
    const r = ok(preview('pytorch', { name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 10 }, interval: 'epoch' }, 500, 40));
    expect([r.intended, r.actual]).toEqual(['step', 'epoch']);
    expect(r.spec.interval).toBe('step');
    expect(r.curves.intended).toBeDefined();
    expect(r.warnings[0]).toBe('OneCycleLR is written in optimizer steps, but this run steps it once per epoch: its first change (at 1) needs 1 epochs.');
    expect(r.markers).toContainEqual({ step: 5_500, label: 'PyTorch raises here: stepped past its last step (10)' });
  });

  it('warns that a OneCycleLR shorter than the run will raise', () => {
    const r = ok(preview('pytorch', { name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: 1000 }, interval: 'step' }, 100, 20));
    expect(r.warnings).toEqual(['OneCycleLR covers 1,001 steps but the run is planned for 2,000: PyTorch raises once it is stepped past its end.']);
    expect(r.markers).toEqual([{ step: 1001, label: 'PyTorch raises here: stepped past its last step (1,000)' }]);
  });

  it('warns when an epoch schedule\'s first milestone lies past the run\'s end', () => {
    const r = ok(preview('pytorch', { name: 'MultiStepLR', params: { milestones: [30] }, interval: 'epoch', baseLr: 0.1 }, 100, 20));
    expect(r.warnings).toEqual(['MultiStepLR first changes the LR after 30 epochs, but the run is planned for 20 epochs: the LR will never change.']);
  });

  it('says when the schedule cannot be drawn, and why', () => {
    const r = ok(preview('huggingface', { lr_scheduler_type: 'reduce_lr_on_plateau' }));
    expect(r.unverifiable).toMatch(/metric/i);
    expect(r.curves.actual).toEqual([]);
  });
});

describe('errors next to their field', () => {
  const errors = (r: PreviewResult) => (r.ok ? [] : r.errors);

  it('names the spec field that parseSchedule refuses, in the framework\'s own names', () => {
    expect(errors(preview('pytorch', { name: 'MultiStepLR', params: { milestones: [30, 2.5] }, baseLr: 0.1 }))).toEqual([{ field: 'config', message: 'params.milestones[1]: must be an integer ≥ 0, got 2.5' }]);
    expect(errors(preview('huggingface', { lr_scheduler_type: 'cosin' }))).toEqual([{ field: 'config', message: 'lr_scheduler_type: unknown scheduler "cosin"; did you mean "cosine", "cosine_with_min_lr" or "CosineAnnealingLR"?' }]);
    expect(errors(preview('huggingface', { lr_scheduler_type: 'cosine_with_min_lr' }))).toEqual([{ field: 'config', message: 'lr_scheduler_kwargs.min_lr: required: give min_lr or min_lr_rate (Hugging Face refuses neither)' }]);
    expect(errors(preview('coqui', { lr_scheduler: 'NoamLR', lr_scheduler_params: { warmup_step: 4000 } }))[0].message).toMatch(/^lr_scheduler_params\.warmup_step: unknown parameter for NoamLR; did you mean "warmup_steps"\?/);
    expect(errors(preview('coqui', { lr_scheduler: 'StepwiseGradualLR', lr_scheduler_params: { gradual_learning_rates: [[0, 1e-3], [0, 1e-4]] } }))[0].message).toMatch(
      /^lr_scheduler_params\.gradual_learning_rates\[1\]\[0\]: must be greater than the step before it/,
    );
    expect(errors(preview('pytorch', { name: 'StepLR', params: { step_size: 3 } }))).toEqual([{ field: 'config', message: "baseLr: required for StepLR: the optimizer's initial LR (η0, param group 0), which the schedule scales" }]);
  });

  it('locates bad JSON, and asks for a config when there is none', () => {
    expect(errors(preview('coqui', '{"lr": 1e-3,\n "lr_scheduler" "NoamLR"}'))[0].message).toMatch(/^not valid JSON: line 2, column 17: /);
    expect(errors(preview('coqui', '  '))).toEqual([{ field: 'config', message: 'empty: paste a config, or pick a preset' }]);
  });

  it('puts run-length problems on the steps-per-epoch and epochs fields, each its own', () => {
    expect(errors(preview('pytorch', PRESETS[2].config, '', 'x'))).toEqual([
      { field: 'stepsPerEpoch', message: 'required: optimizer steps in one epoch (batches ÷ gradient accumulation)' },
      { field: 'epochs', message: 'must be a number > 0, got x' },
    ]);
    expect(errors(preview('pytorch', PRESETS[2].config, 2.5, ''))).toEqual([
      { field: 'stepsPerEpoch', message: 'must be a whole number ≥ 1, got 2.5' },
      { field: 'epochs', message: 'required: how many epochs to preview' },
    ]);
    expect(errors(preview('pytorch', PRESETS[2].config, 100_000, 100))).toEqual([{ field: 'epochs', message: '100 epochs × 100,000 steps makes 10,000,000 optimizer steps; the preview covers at most 5,000,000' }]);
  });

  it('shows a config error and a field error together', () => {
    expect(errors(preview('pytorch', { name: 'StepLR', params: { step_size: 0 }, baseLr: 0.1 }, 'abc', 3))).toEqual([
      { field: 'stepsPerEpoch', message: 'must be a whole number ≥ 1, got abc' },
      { field: 'config', message: 'params.step_size: must be an integer ≥ 1, got 0' },
    ]);
  });

  it('needs no epochs when the config sets the run\'s length', () => {
    const r = ok(preview('huggingface', { max_steps: 800 }, 100, ''));
    expect(r.run).toEqual({ stepsPerEpoch: 100, epochs: 8, totalSteps: 800, from: 'max_steps' });
  });
});

describe('Lightning hyperparameters (the translation log-directory mode uses too)', () => {
  it('steps a OneCycleLR left at the default interval once per epoch, and says how to step it per step', () => {
    const r = ok(preview('lightning', STARTERS.lightning, 500, 40));
    expect(r).toMatchObject({ intended: 'step', actual: 'epoch', spec: { name: 'OneCycleLR', baseLr: 0.001, interval: 'step' } });
    expect(r.cadence).toBe('Lightning steps the scheduler once per epoch: its interval is not set, and defaults to "epoch".');
    expect(r.fix).toMatch(/"interval": "step"/);
    expect(r.curves.intended).toBeDefined();
    const stepped = ok(preview('lightning', { ...STARTERS.lightning, lr_scheduler: { ...(STARTERS.lightning.lr_scheduler as object), interval: 'step' } }, 500, 40));
    expect([stepped.intended, stepped.actual, stepped.fix]).toEqual(['step', 'step', undefined]);
  });

  it('names the hyperparameter a bad value sits in', () => {
    const r = preview('lightning', { lr_scheduler: { class_path: 'torch.optim.lr_scheduler.OneCycleLR', init_args: { max_lr: -1, total_steps: 100 } } });
    expect(r).toMatchObject({ ok: false, errors: [{ field: 'config', message: expect.stringMatching(/^lr_scheduler\.init_args\.max_lr: /) }] });
  });
});
