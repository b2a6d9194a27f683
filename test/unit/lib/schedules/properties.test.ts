// Properties over many generated specs (fast-check): shapes the schedules must have, and the
// agreement between the closed forms used alone and PyTorch's recursive forms used in composites.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSchedule, parseSchedule, SCHEDULE_NAMES, ScheduleSpecError, type ScheduleSpec, type VerifiableSchedule } from '@/lib/schedules';

function schedule(spec: unknown): VerifiableSchedule {
  const s = compileSchedule(parseSchedule(spec));
  if (!s.verifiable) throw new Error(`not verifiable: ${s.reason}`);
  return s;
}

const eta0 = fc.double({ min: 1e-6, max: 1, noNaN: true });
const decay = fc.double({ min: 0, max: 0.999, noNaN: true });
const factor = fc.double({ min: 0.01, max: 1, noNaN: true });

describe('shapes', () => {
  it('StepLR with gamma < 1 never rises, and drops only at multiples of step_size', () => {
    fc.assert(
      fc.property(eta0, decay, fc.integer({ min: 1, max: 20 }), (lr, gamma, stepSize) => {
        const s = schedule({ name: 'StepLR', params: { step_size: stepSize, gamma }, baseLr: lr });
        for (let n = 1; n <= 100; n++) {
          expect(s.lrAt(n)).toBeLessThanOrEqual(s.lrAt(n - 1));
          if (n % stepSize !== 0) expect(s.lrAt(n)).toBe(s.lrAt(n - 1));
        }
      }),
    );
  });

  it('MultiStepLR with gamma < 1 never rises, and drops by gamma^k at a milestone listed k times', () => {
    fc.assert(
      fc.property(eta0, fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 6 }), (lr, gamma, milestones) => {
        const s = schedule({ name: 'MultiStepLR', params: { milestones, gamma }, baseLr: lr });
        for (let n = 0; n <= 70; n++) {
          const k = milestones.filter((m) => m === n).length;
          const before = n === 0 ? lr : s.lrAt(n - 1);
          expect(s.lrAt(n)).toBeLessThanOrEqual(before);
          expect(s.lrAt(n)).toBeCloseTo(before * gamma ** k, 15);
        }
      }),
    );
  });

  it('CosineAnnealingWarmRestarts stays within [eta_min, η0] and is back at η0 at every restart', () => {
    fc.assert(
      fc.property(eta0, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), (lr, ratio, t0, tMult) => {
        const etaMin = lr * ratio;
        const s = schedule({ name: 'CosineAnnealingWarmRestarts', params: { T_0: t0, T_mult: tMult, eta_min: etaMin }, baseLr: lr });
        let restart = 0;
        let period = t0;
        for (let n = 0; n <= 300; n++) {
          const v = s.lrAt(n);
          expect(v).toBeGreaterThanOrEqual(etaMin * (1 - 1e-12));
          expect(v).toBeLessThanOrEqual(lr * (1 + 1e-12));
          if (n === restart) {
            expect(v).toBeCloseTo(lr, 15);
            restart += period;
            period *= tMult;
          }
        }
      }),
    );
  });

  it('CosineAnnealingLR stays between eta_min and η0 and repeats every 2·T_max', () => {
    fc.assert(
      fc.property(eta0, fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer({ min: 1, max: 40 }), (lr, ratio, tMax) => {
        const etaMin = lr * ratio;
        const s = schedule({ name: 'CosineAnnealingLR', params: { T_max: tMax, eta_min: etaMin }, baseLr: lr });
        for (let n = 0; n <= 4 * tMax; n++) {
          const v = s.lrAt(n);
          expect(v).toBeGreaterThanOrEqual(etaMin - 1e-12 * lr);
          expect(v).toBeLessThanOrEqual(lr * (1 + 1e-12));
          expect(Math.abs(s.lrAt(n + 2 * tMax) - v)).toBeLessThanOrEqual(1e-12 * lr);
        }
      }),
    );
  });

  it('OneCycleLR starts at max_lr/div_factor, rises to (at most) max_lr, ends at max_lr/(div·final_div)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.integer({ min: 20, max: 400 }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        fc.boolean(),
        (maxLr, total, pct, threePhase) => {
          fc.pre(!threePhase || pct <= 0.45);
          const s = schedule({ name: 'OneCycleLR', params: { max_lr: maxLr, total_steps: total, pct_start: pct, three_phase: threePhase } });
          const values = Array.from({ length: total }, (_, n) => s.lrAt(n));
          expect(values[0]).toBeCloseTo(maxLr / 25, 12);
          expect(Math.max(...values)).toBeLessThanOrEqual(maxLr * (1 + 1e-12));
          // The peak falls between integer steps when pct_start·total_steps is not an integer.
          expect(Math.max(...values)).toBeGreaterThan(maxLr * 0.5);
          if (Number.isInteger(pct * total)) expect(Math.max(...values)).toBeCloseTo(maxLr, 12);
          expect(values[total - 1]).toBeCloseTo(maxLr / 25 / 1e4, 12);
          expect(s.lastStep).toBe(total);
        },
      ),
    );
  });

  it('Hugging Face linear rises through warmup, then falls to 0 at num_training_steps and stays', () => {
    fc.assert(
      fc.property(eta0, fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 200 }), (lr, w, extra) => {
        const t = w + extra;
        const s = schedule({ name: 'linear', params: { num_warmup_steps: w, num_training_steps: t }, baseLr: lr });
        for (let n = 1; n <= t + 10; n++) {
          if (n <= w) expect(s.lrAt(n)).toBeGreaterThan(s.lrAt(n - 1));
          else expect(s.lrAt(n)).toBeLessThanOrEqual(s.lrAt(n - 1));
          expect(s.lrAt(n)).toBeGreaterThanOrEqual(0);
        }
        expect(s.lrAt(w)).toBeCloseTo(lr, 15);
        expect(s.lrAt(t)).toBe(0);
      }),
    );
  });
});

/** Leaf specs with random params, as a user could configure them (no baseLr: the caller adds it). */
const leaf: fc.Arbitrary<ScheduleSpec> = fc.oneof(
  fc.record({ name: fc.constant('StepLR'), params: fc.record({ step_size: fc.integer({ min: 1, max: 9 }), gamma: decay }) }),
  fc.record({ name: fc.constant('MultiStepLR'), params: fc.record({ milestones: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }), gamma: decay }) }),
  fc.record({ name: fc.constant('ExponentialLR'), params: fc.record({ gamma: fc.double({ min: 0.5, max: 1.05, noNaN: true }) }) }),
  fc.record({ name: fc.constant('ConstantLR'), params: fc.record({ factor, total_iters: fc.integer({ min: 0, max: 10 }) }) }),
  fc.record({ name: fc.constant('LinearLR'), params: fc.record({ start_factor: factor, end_factor: fc.double({ min: 0, max: 1, noNaN: true }), total_iters: fc.integer({ min: 0, max: 30 }) }) }),
  fc.record({ name: fc.constant('PolynomialLR'), params: fc.record({ total_iters: fc.integer({ min: 0, max: 30 }), power: fc.double({ min: 0, max: 3, noNaN: true }) }) }),
  fc.record({ name: fc.constant('CosineAnnealingLR'), params: fc.record({ T_max: fc.integer({ min: 1, max: 30 }), eta_min: fc.double({ min: 0, max: 1e-4, noNaN: true }) }) }),
  fc.record({ name: fc.constant('CosineAnnealingWarmRestarts'), params: fc.record({ T_0: fc.integer({ min: 1, max: 10 }), T_mult: fc.integer({ min: 1, max: 3 }) }) }),
  fc.record({ name: fc.constant('CyclicLR'), params: fc.record({ base_lr: fc.double({ min: 1e-5, max: 1e-3, noNaN: true }), max_lr: fc.double({ min: 1e-3, max: 1e-2, noNaN: true }), step_size_up: fc.integer({ min: 1, max: 10 }), mode: fc.constantFrom('triangular', 'triangular2', 'exp_range'), gamma: fc.double({ min: 0.9, max: 1, noNaN: true }) }) }),
  fc.record({ name: fc.constant('OneCycleLR'), params: fc.record({ max_lr: fc.double({ min: 1e-3, max: 1, noNaN: true }), total_steps: fc.integer({ min: 50, max: 100 }), anneal_strategy: fc.constantFrom('cos', 'linear') }) }),
  fc.record({ name: fc.constant('cosine'), params: fc.record({ num_warmup_steps: fc.integer({ min: 0, max: 10 }), num_training_steps: fc.integer({ min: 11, max: 60 }) }) }),
  fc.record({ name: fc.constant('warmup_stable_decay'), params: fc.record({ num_warmup_steps: fc.integer({ min: 0, max: 10 }), num_stable_steps: fc.integer({ min: 0, max: 10 }), num_decay_steps: fc.integer({ min: 1, max: 20 }), decay_type: fc.constantFrom('linear', 'cosine', '1-sqrt') }) }),
  fc.record({ name: fc.constant('NoamLR'), params: fc.record({ warmup_steps: fc.integer({ min: 1, max: 20 }), variant: fc.constantFrom('coqui', 'idiap') }) }),
  fc.record({ name: fc.constant('StepwiseGradualLR'), params: fc.record({ gradual_learning_rates: fc.constant([[0, 0.01], [5, 0.005], [12, 0.001]]), variant: fc.constantFrom('coqui', 'idiap') }) }),
);

describe('closed forms agree with PyTorch’s recursive forms', () => {
  // Alone, a leaf is evaluated in closed form; inside ChainedScheduler the model of its PyTorch class
  // runs step by step. A ChainedScheduler of one is the leaf itself, so the two must agree.
  it('for every leaf, alone and as the only child of a ChainedScheduler', () => {
    fc.assert(
      fc.property(leaf, eta0, (spec, lr) => {
        const alone = schedule({ ...spec, baseLr: lr });
        const chained = schedule({ name: 'ChainedScheduler', params: { schedulers: [spec] }, baseLr: lr });
        const scale = Math.max(...Array.from({ length: 100 }, (_, n) => Math.abs(alone.lrAt(n))));
        for (let n = 0; n < 100; n++) {
          expect(Math.abs(chained.lrAt(n) - alone.lrAt(n)), `${spec.name} n=${n}`).toBeLessThanOrEqual(1e-12 * Math.abs(alone.lrAt(n)) + 1e-15 * scale);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a SequentialLR child restarts from its own n = 0 at its milestone (StepLR, ExponentialLR, CosineAnnealingLR)', () => {
    const restarting = fc.oneof(
      fc.record({ name: fc.constant('StepLR'), params: fc.record({ step_size: fc.integer({ min: 1, max: 5 }), gamma: decay }) }),
      fc.record({ name: fc.constant('ExponentialLR'), params: fc.record({ gamma: decay }) }),
      fc.record({ name: fc.constant('CosineAnnealingLR'), params: fc.record({ T_max: fc.integer({ min: 1, max: 20 }) }) }),
    );
    fc.assert(
      // OneCycleLR and CyclicLR overwrite the optimizer's initial_lr, which the second child then starts from.
      fc.property(leaf.filter((s) => s.name !== 'OneCycleLR' && s.name !== 'CyclicLR'), restarting, fc.integer({ min: 1, max: 30 }), eta0, (first, second, milestone, lr) => {
        const seq = schedule({ name: 'SequentialLR', params: { schedulers: [first, second], milestones: [milestone] }, baseLr: lr });
        const head = schedule({ ...first, baseLr: lr });
        const tail = schedule({ ...second, baseLr: lr });
        for (let n = 0; n < milestone + 40; n++) {
          const want = n < milestone ? head.lrAt(n) : tail.lrAt(n - milestone);
          // The recursion leaves ~1e-16·η0 where a closed form reaches exactly 0 (LinearLR to end_factor 0).
          expect(Math.abs(seq.lrAt(n) - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want) + 1e-15 * lr);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('parsing', () => {
  it('is idempotent and fills nothing in', () => {
    fc.assert(
      fc.property(leaf, eta0, fc.constantFrom(undefined, 'step', 'epoch'), (spec, lr, interval) => {
        const given = { ...spec, ...(interval ? { interval } : {}), baseLr: lr };
        const parsed = parseSchedule(given);
        expect(parsed).toEqual(given);
        expect(parseSchedule(parsed)).toEqual(parsed);
      }),
    );
  });

  it('points any registered name typed in another case back to it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SCHEDULE_NAMES), fc.boolean(), (name, upper) => {
        const typed = upper ? name.toUpperCase() : name.toLowerCase();
        fc.pre(typed !== name && !SCHEDULE_NAMES.includes(typed));
        try {
          parseSchedule({ name: typed, params: {} });
        } catch (err) {
          expect(err).toBeInstanceOf(ScheduleSpecError);
          const rule = (err as ScheduleSpecError).rule;
          // ReduceLROnPlateau and reduce_lr_on_plateau fold to the same letters: both are offered.
          expect(rule.slice(rule.indexOf('did you mean'))).toContain(`"${name}"`);
          return;
        }
        throw new Error('parsed');
      }),
    );
  });
});
