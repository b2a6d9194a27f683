// The detector on LRs logged by real PyTorch training loops: every correct usage passes (also
// with its harmless departures: skipped optimizer steps, a scaled LR, differential LRs,
// fractional epochs, drop_last, a resume with state) and every broken one is flagged with the
// cause the loop actually had, whether the run carries the LR alone or what the client adds.
// Prints the confusion matrix (expected × named cause, per way of sending the run).
import { afterAll, describe, expect, it } from 'vitest';
import { detect, detectorInput } from '@/lib/detect';
import { parseSchedule } from '@/lib/schedules';
import type { Verdict } from '@/lib/verdict';
import { asSent, FIXTURE_RUNS, type FixtureRun, type Mode, MODES } from './fixture-runs';

function verdictOf(run: FixtureRun, mode: Mode, withEpochs = true): Verdict {
  const { points, cadence } = asSent(run, mode);
  return detect(
    detectorInput({
      schedule: parseSchedule(run.schedule),
      stepsPerEpoch: withEpochs ? run.stepsPerEpoch : undefined,
      cadence,
      points: withEpochs ? points : points.map(({ epoch: _epoch, ...p }) => p),
    }),
  );
}

const matrix = new Map<string, number>();
function count(mode: Mode, expected: string, got: Verdict) {
  const key = `${mode}\t${expected}\t${got.flagged ? got.causes[0] : 'no flag'}`;
  matrix.set(key, (matrix.get(key) ?? 0) + 1);
}

afterAll(() => {
  const rows = [...matrix].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k.split('\t').map((c, i) => c.padEnd(i === 0 ? 9 : 19)).join('')}${n}`);
  console.log(`Confusion matrix on ${FIXTURE_RUNS.length} real torch runs (mode, expected, named → runs):\n${rows.join('\n')}`);
});

describe('real PyTorch loops', () => {
  it('cover correct and broken usage of every kind the detector must tell apart', () => {
    expect(FIXTURE_RUNS.filter((r) => r.expect.flagged).length).toBeGreaterThanOrEqual(16);
    expect(FIXTURE_RUNS.filter((r) => !r.expect.flagged).length).toBeGreaterThanOrEqual(17);
    expect(new Set(FIXTURE_RUNS.filter((r) => r.expect.flagged).map((r) => r.expect.cause))).toEqual(
      new Set(['stepped_per_epoch', 'never_stepped', 'stepped_per_step', 'stepped_too_often', 'restarted', 'overridden', 'stuck', 'mismatch']),
    );
    // Every point carries the scheduler's counter, as the Python client sends it.
    for (const r of FIXTURE_RUNS) expect(r.points.every((p) => Number.isInteger(p.schedulerStep))).toBe(true);
  });

  for (const mode of MODES) {
    describe(`sent ${mode === 'lr-only' ? 'with the LR alone' : mode === 'client' ? 'by the Python client (counts and cadence)' : `with the ${mode} only`}`, () => {
      for (const run of FIXTURE_RUNS.filter((r) => !r.expect.flagged)) {
        it(`passes ${run.id}: ${run.description}`, () => {
          const v = verdictOf(run, mode);
          count(mode, 'correct', v);
          expect(v.message).not.toMatch(/^(The LR|Param group \d+'s LR) is (stuck|not following)/);
          expect(v.kind).toBe('ok');
        });
      }
      for (const run of FIXTURE_RUNS.filter((r) => r.expect.flagged)) {
        it(`flags ${run.id} as ${run.expect.cause}: ${run.description}`, () => {
          const v = verdictOf(run, mode);
          count(mode, run.expect.cause!, v);
          expect(v.flagged).toBe(true);
          expect(v.causes[0]).toBe(run.expect.cause);
          expect(v.firstBadStep).toBeGreaterThanOrEqual(0);
          expect(v.message).toMatch(/Fix: /);
        });
      }
    });
  }

  const byId = (id: string) => FIXTURE_RUNS.find((r) => r.id === id)!;

  it('flags the Coqui case at its first threshold, with the Coqui fix', () => {
    for (const mode of MODES) {
      const v = verdictOf(byId('coqui-per-epoch'), mode);
      expect(v.causes).toEqual(['stepped_per_epoch', 'stuck']);
      expect(v.firstBadStep).toBe(100);
      expect(v.expected).toBeCloseTo(4e-4, 12);
      expect(v.actual).toBeCloseTo(5e-4, 12);
      expect(v.message).toMatch(/scheduler_after_epoch=False/);
    }
  });

  it('flags the Coqui case from the LR alone, without stepsPerEpoch or epochs', () => {
    expect(verdictOf(byId('coqui-per-epoch'), 'lr-only', false).causes).toEqual(['stepped_per_epoch', 'stuck']);
  });

  it('states the offset of skipped optimizer steps, in either counting convention', () => {
    for (const mode of MODES) {
      expect(verdictOf(byId('gradscaler-skips'), mode).warnings.join(' ')).toMatch(/7 steps? ahead of the optimizer/);
      expect(verdictOf(byId('gradscaler-skips-trainer'), mode).warnings.join(' ')).toMatch(/\d+ steps? behind the optimizer/);
    }
  });

  it('states a constant LR scale as a baseLr warning, whatever the schedule shape', () => {
    expect(verdictOf(byId('world-size-scaled'), 'lr-only').warnings.join(' ')).toMatch(/4× what the schedule gives for baseLr 0\.1.*set baseLr to 0\.4/);
    expect(verdictOf(byId('batch-size-scaled-warmup'), 'client').warnings.join(' ')).toMatch(/2× what the schedule gives/);
    expect(verdictOf(byId('differential-lrs'), 'client').warnings.join(' ')).not.toMatch(/what the schedule gives/);
  });

  it('names the param group that ignores the schedule', () => {
    const v = verdictOf(byId('group-added-after-scheduler'), 'client');
    expect(v.causes).toEqual(['stuck']);
    expect(v.message).toMatch(/^Param group 1's LR is stuck at 1e-3/);
    expect(v.message).toMatch(/add_param_group/);
  });

  it('reports a pinned LR at the step the clamp took hold', () => {
    const v = verdictOf(byId('lr-clamp'), 'lr-only');
    expect(v.causes).toEqual(['overridden', 'stuck']);
    expect(v.actual).toBe(0.02);
    expect(v.expected!).toBeLessThan(0.02);
  });

  it('names the restarts where they happened, not at every point', () => {
    expect(verdictOf(byId('resume-from-model-only'), 'lr-only').message).toMatch(/starts over at step 90[:]/);
    expect(verdictOf(byId('rebuilt-each-epoch'), 'lr-only').message).toMatch(/at every epoch \(steps 20, 40, 60, …\)/);
  });
});
