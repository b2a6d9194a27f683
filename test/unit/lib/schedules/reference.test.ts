// Every sequence in test/fixtures/schedules/reference.json (real PyTorch 1.13 schedulers, Hugging
// Face's lambdas on torch's LambdaLR, Coqui's classes on torch's _LRScheduler) must come out of
// the engine to 1e-9 relative.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSchedule, parseSchedule, type ScheduleSpec } from '@/lib/schedules';

interface Reference {
  id: string;
  spec: ScheduleSpec;
  lrs: number[];
  /** The n at which the framework raised (lrs stops just before it). */
  raisesAt?: number;
  /** For long cases, the n each entry of lrs is at (else lrs[n] is at n). */
  at?: number[];
}

const references: Reference[] = JSON.parse(readFileSync(new URL('../../../fixtures/schedules/reference.json', import.meta.url), 'utf8'));

/** Within 1e-9 relative, with an absolute floor for values near 0 scaled to the sequence (LRs run from 1e-6 to 1). */
function close(got: number, want: number, scale: number): boolean {
  return Math.abs(got - want) <= 1e-9 * Math.abs(want) + 1e-12 * scale;
}

function mismatches(actual: (n: number) => number, expected: readonly number[], at?: readonly number[]): string[] {
  const scale = Math.max(...expected.map(Math.abs));
  const out: string[] = [];
  expected.forEach((want, i) => {
    const n = at ? at[i] : i;
    const got = actual(n);
    if (!close(got, want, scale)) out.push(`n=${n}: got ${got}, PyTorch ${want}`);
  });
  return out;
}

describe('the engine reproduces the reference sequences', () => {
  it('has a broad reference set to check against', () => {
    const names = new Set<string>();
    const walk = (s: ScheduleSpec): void => {
      names.add(s.name);
      if (Array.isArray(s.params.schedulers)) (s.params.schedulers as ScheduleSpec[]).forEach(walk);
    };
    references.forEach((r) => walk(r.spec));
    expect(references.length).toBeGreaterThanOrEqual(90);
    for (const name of ['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'CosineAnnealingWarmRestarts', 'OneCycleLR', 'CyclicLR', 'LinearLR', 'ConstantLR', 'PolynomialLR', 'SequentialLR', 'ChainedScheduler', 'linear', 'cosine', 'cosine_with_restarts', 'polynomial', 'constant', 'constant_with_warmup', 'inverse_sqrt', 'warmup_stable_decay', 'cosine_with_min_lr', 'StepwiseGradualLR', 'NoamLR']) {
      expect(names, name).toContain(name);
    }
  });

  it.each(references)('$id', (ref) => {
    const schedule = compileSchedule(parseSchedule(ref.spec));
    if (!schedule.verifiable) throw new Error(`not verifiable: ${schedule.reason}`);
    expect(mismatches(schedule.lrAt, ref.lrs, ref.at)).toEqual([]);
    if (ref.raisesAt !== undefined) {
      // The framework raised stepping to raisesAt: the last legal n is the one before.
      expect(schedule.lastStep).toBe(ref.raisesAt - 1);
    } else if (schedule.lastStep !== undefined) {
      expect(schedule.lastStep).toBeGreaterThanOrEqual(ref.at ? ref.at[ref.at.length - 1] : ref.lrs.length - 1);
    }
  });

  it('follows CosineAnnealingLR’s recursion where it drifts from the closed form', () => {
    const ref = references.find((r) => r.id === 'CosineAnnealingLR recursion drift past T_max')!;
    const { T_max: tMax, eta_min: etaMin } = ref.spec.params as { T_max: number; eta_min: number };
    const eta0 = ref.spec.baseLr!;
    const closedForm = (n: number) => etaMin + ((eta0 - etaMin) * (1 + Math.cos((Math.PI * n) / tMax))) / 2;
    // The closed form is not good enough here, so matching PyTorch means replaying its recursion.
    expect(mismatches(closedForm, ref.lrs, ref.at)).not.toEqual([]);
  });

  it('reads the same values in any order (the replay cache is not order-sensitive)', () => {
    for (const ref of references.filter((r) => ['SequentialLR', 'ChainedScheduler', 'CosineAnnealingLR'].includes(r.spec.name))) {
      const schedule = compileSchedule(parseSchedule(ref.spec));
      if (!schedule.verifiable) throw new Error(ref.id);
      const order = (ref.at ?? ref.lrs.map((_, n) => n)).slice().reverse();
      const backwards = new Map(order.map((n) => [n, schedule.lrAt(n)]));
      expect(mismatches((n) => backwards.get(n)!, ref.lrs, ref.at), ref.id).toEqual([]);
    }
  });
});
