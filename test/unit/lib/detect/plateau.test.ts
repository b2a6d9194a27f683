// ReduceLROnPlateau replayed on the values passed to scheduler.step(metric): the bookkeeping
// matches real torch 1.13 (test/fixtures/plateau/generate.py), and the detector flags a
// reduction that did not take effect, and nothing else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createDetector, type LoggedPoint } from '@/lib/detect';
import { plateauSettings, plateauReductions, reducedLr, SCHEDULER_METRIC } from '@/lib/detect/plateau';
import { compileSchedule, parseSchedule } from '@/lib/schedules';
import type { ObservedCadence } from '@/lib/verdict';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/plateau/cases.json', import.meta.url), 'utf8')) as {
  cases: { params: Record<string, unknown>; metrics: number[]; lr0: number; lrs: number[] }[];
};

describe('replaying ReduceLROnPlateau', () => {
  it(`gives torch's LR after every call, exactly, in all ${fixture.cases.length} recorded cases`, () => {
    for (const c of fixture.cases) {
      const p = plateauSettings(parseSchedule({ name: 'ReduceLROnPlateau', params: c.params }));
      const reduces = plateauReductions(p, c.metrics);
      let lr = c.lr0;
      const lrs = reduces.map((r) => (lr = r ? reducedLr(p, lr) : lr));
      expect(lrs, JSON.stringify(c.params)).toEqual(c.lrs);
    }
  });
});

// A run of 30 epochs of 10 steps, stepped with one metric per epoch after its last step.
const SPE = 10;
const EPOCHS = 30;
const metricAt = (epoch: number) => (epoch < 6 ? 2 - epoch * 0.2 : 1 + 0.001 * ((epoch * 7) % 5));
const spec = parseSchedule({ name: 'ReduceLROnPlateau', params: { factor: 0.5, patience: 2 } });
const cadence: ObservedCadence = { optimizerSteps: SPE * EPOCHS, schedulerSteps: EPOCHS, medianGap: SPE, metric: SCHEDULER_METRIC };

/** The points a watched loop logs: `lrOf(step, torchLr)` is what the optimizer really used. */
function run(lrOf: (step: number, torchLr: number) => number, every = 1): LoggedPoint[] {
  const p = plateauSettings(spec);
  const reduces = plateauReductions(p, Array.from({ length: EPOCHS }, (_, e) => metricAt(e)));
  const points: LoggedPoint[] = [];
  let lr = 0.1;
  for (let e = 0; e < EPOCHS; e++) {
    for (let i = 0; i < SPE; i++) {
      const step = e * SPE + i;
      if (step % every === 0 || i === SPE - 1) points.push({ step, lr: lrOf(step, lr) });
    }
    // The call after the epoch's last step: its value rides on that step's point.
    points.find((q) => q.step === e * SPE + SPE - 1)!.schedulerMetric = metricAt(e);
    if (reduces[e]) lr = reducedLr(p, lr);
  }
  return points;
}

function verdictOf(points: LoggedPoint[], c: ObservedCadence | undefined = cadence) {
  const d = createDetector({ schedule: compileSchedule(spec), stepsPerEpoch: SPE, cadence: c });
  d.add(points);
  return d.verdict();
}

describe('the plateau detector', () => {
  it('finds nothing wrong when every reduction takes effect', () => {
    const v = verdictOf(run((_s, lr) => lr));
    expect(v).toMatchObject({ kind: 'ok', flagged: false, causes: [] });
    // The last call's reduction comes after the last logged step: due, not yet visible.
    expect(v.message).toMatch(/^ReduceLROnPlateau, replayed on the 30 values passed to scheduler.step\(\): (\d+) reductions \((\d+) visible in the logged points so far\), each took effect\.$/);
  });

  it('flags a reduction undone (a warm-up LambdaLR resetting the LR every step) as stuck, at the first step after it', () => {
    const v = verdictOf(run(() => 0.1));
    expect(v).toMatchObject({ kind: 'flagged', flagged: true, causes: ['stuck'], expected: 0.05, actual: 0.1 });
    const first = plateauReductions(plateauSettings(spec), Array.from({ length: EPOCHS }, (_, e) => metricAt(e))).indexOf(true);
    expect(v.firstBadStep).toBe((first + 1) * SPE);
    expect(v.message).toBe(`ReduceLROnPlateau lowered the LR to 0.05 after step ${(first + 1) * SPE - 1}, but step ${(first + 1) * SPE} used 0.1: something else sets the LR.`);
    expect(v.fix).toMatch(/do not step a second scheduler/);
  });

  it('flags a reduction that shows for one step and is then undone (a scheduler stepped after optimizer.step puts the LR back)', () => {
    const first = plateauReductions(plateauSettings(spec), Array.from({ length: EPOCHS }, (_, e) => metricAt(e))).indexOf(true);
    const at = (first + 1) * SPE;
    const v = verdictOf(run((s, lr) => (s === at ? lr : 0.1)));
    expect(v).toMatchObject({ flagged: true, causes: ['stuck'], firstBadStep: at + 1, expected: 0.05, actual: 0.1 });
  });

  it('flags an LR set by hand over a reduction as overridden', () => {
    const first = plateauReductions(plateauSettings(spec), Array.from({ length: EPOCHS }, (_, e) => metricAt(e))).indexOf(true);
    const v = verdictOf(run((s, lr) => (s === (first + 1) * SPE ? 0.07 : lr)));
    expect(v).toMatchObject({ causes: ['overridden'], expected: 0.05, actual: 0.07 });
  });

  it('is not fooled by a manual warm-up before the first reduction, by sparse logging, or by batch order', () => {
    expect(verdictOf(run((s, lr) => (s < 20 ? (lr * (s + 1)) / 20 : lr))).flagged).toBe(false);
    expect(verdictOf(run((_s, lr) => lr, 4)).flagged).toBe(false);
    const pts = run(() => 0.1);
    const d = createDetector({ schedule: compileSchedule(spec), stepsPerEpoch: SPE, cadence });
    d.add(pts.slice(150));
    d.add(pts.slice(0, 150).reverse());
    expect(d.verdict()).toEqual(verdictOf(pts));
  });

  it('says when a reduction is due but not yet visible in the logged points', () => {
    const pts = run((_s, lr) => lr);
    const first = plateauReductions(plateauSettings(spec), Array.from({ length: EPOCHS }, (_, e) => metricAt(e))).indexOf(true);
    const v = verdictOf(pts.filter((q) => q.step <= (first + 1) * SPE - 1));
    expect(v).toMatchObject({ kind: 'ok', flagged: false });
    expect(v.message).toMatch(/1 reduction \(0 visible in the logged points so far\), each took effect/);
  });

  it('before the first call and before the first reduction, says what it has replayed', () => {
    expect(verdictOf(run((_s, lr) => lr).filter((q) => q.step < SPE - 1)).message).toBe('ReduceLROnPlateau: scheduler.step(metric) has not been called yet, so there is nothing to replay.');
    expect(verdictOf(run((_s, lr) => lr).filter((q) => q.step < 3 * SPE)).message).toBe('ReduceLROnPlateau, replayed on the 3 values passed to scheduler.step(): no reduction due yet.');
  });

  it('stays unverifiable when the client does not record the values passed to scheduler.step()', () => {
    expect(verdictOf(run(() => 0.1), { ...cadence, metric: undefined })).toMatchObject({ kind: 'unverifiable', flagged: false });
    const bare = createDetector({ schedule: compileSchedule(spec), stepsPerEpoch: SPE });
    bare.add(run(() => 0.1));
    expect(bare.verdict()).toMatchObject({ kind: 'unverifiable', flagged: false });
  });
});
