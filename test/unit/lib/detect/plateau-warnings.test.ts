// ReduceLROnPlateau is never checked against a formula, but how it is stepped is: warnings (never
// flags) for a plateau scheduler nobody steps, and for one stepped after every batch.
import { describe, expect, it } from 'vitest';
import { createDetector } from '@/lib/detect';
import { plateauWarnings } from '@/lib/detect/plateau-warnings';
import { compileSchedule, parseSchedule } from '@/lib/schedules';

const plateau = parseSchedule({ name: 'ReduceLROnPlateau', params: { patience: 3, factor: 0.5 } });
const hf = parseSchedule({ name: 'reduce_lr_on_plateau', params: {} });

describe('plateauWarnings', () => {
  it('stays quiet when it is stepped once per epoch, or when too little is known', () => {
    expect(plateauWarnings(plateau, 100, { optimizerSteps: 1000, schedulerSteps: 10, medianGap: 100 })).toEqual([]);
    // Every other epoch (an evaluation every 2 epochs) is fine too.
    expect(plateauWarnings(plateau, 100, { optimizerSteps: 1000, schedulerSteps: 5, medianGap: 200 })).toEqual([]);
    expect(plateauWarnings(plateau, 100, undefined)).toEqual([]);
    // One call so far: no gap yet.
    expect(plateauWarnings(plateau, 100, { optimizerSteps: 150, schedulerSteps: 1 })).toEqual([]);
    // An epoch of one step: every step is an epoch.
    expect(plateauWarnings(plateau, 1, { optimizerSteps: 50, schedulerSteps: 50, medianGap: 1 })).toEqual([]);
  });

  it('says when it has not been stepped for two epochs, and not before', () => {
    expect(plateauWarnings(plateau, 100, { optimizerSteps: 199, schedulerSteps: 0 })).toEqual([]);
    expect(plateauWarnings(plateau, 100, { optimizerSteps: 256, schedulerSteps: 0 })).toEqual([
      'ReduceLROnPlateau has not been stepped in 256 optimizer steps (2 epochs): without scheduler.step(val_loss) after each evaluation it never lowers the LR.',
    ]);
    // Without steps per epoch there is no telling an epoch-long wait from never.
    expect(plateauWarnings(plateau, undefined, { optimizerSteps: 100_000, schedulerSteps: 0 })).toEqual([]);
  });

  it('says when it is stepped after every batch, with what patience then means', () => {
    expect(plateauWarnings(plateau, 100, { optimizerSteps: 1000, schedulerSteps: 1000, medianGap: 1 })).toEqual([
      'ReduceLROnPlateau is stepped after every optimizer step, not once per evaluation: patience=3 counts those calls, so a noisy per-batch metric that has not improved for 4 optimizer steps cuts the LR. Call scheduler.step(val_loss) once per evaluation.',
    ]);
    expect(plateauWarnings(hf, 500, { optimizerSteps: 1000, schedulerSteps: 250, medianGap: 4 })[0]).toMatch(/^ReduceLROnPlateau is stepped once every 4 optimizer steps, not once per evaluation: patience=10 counts those calls, so .* 44 optimizer steps/);
  });

  it('is only about plateau schedulers', () => {
    expect(plateauWarnings(parseSchedule({ name: 'LambdaLR', params: {} }), 100, { optimizerSteps: 1000, schedulerSteps: 0 })).toEqual([]);
  });
});

describe('the detector on ReduceLROnPlateau', () => {
  it('stays unverifiable and unflagged, and carries the warnings', () => {
    const d = createDetector({ schedule: compileSchedule(plateau), stepsPerEpoch: 100, cadence: { optimizerSteps: 1000, schedulerSteps: 1000, medianGap: 1 } });
    d.add([{ step: 0, lr: 0.1 }]);
    const v = d.verdict();
    expect(v).toMatchObject({ kind: 'unverifiable', flagged: false, unverifiable: true, causes: [] });
    expect(v.warnings).toHaveLength(1);
    expect(v.warnings[0]).toMatch(/stepped after every optimizer step/);
  });
});
