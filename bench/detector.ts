// Detector budget (docs/architecture.md, budgets): a full verdict on 1,000,000 points ≤ 200 ms, and an incremental
// update costing time proportional to the batch. Prints both for a correct run and for the
// Coqui failure (where the alternative hypotheses are fitted too).
//   npx tsx bench/detector.ts
import { createDetector, type LoggedPoint } from '../src/lib/detect';
import { compileSchedule, parseSchedule } from '../src/lib/schedules';

const N = 1_000_000;
const BATCH = 1_000;

function series(f: (s: number) => number): LoggedPoint[] {
  return Array.from({ length: N }, (_, s) => ({ step: s, lr: f(s) }));
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

const cases = [
  {
    name: 'CosineAnnealingLR per step, correct',
    spec: { name: 'CosineAnnealingLR', params: { T_max: N }, interval: 'step', baseLr: 0.1 },
    n: (s: number) => s,
  },
  {
    name: 'StepwiseGradualLR per epoch (Coqui case)',
    spec: { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' },
    n: (s: number) => Math.floor(s / 500),
  },
  {
    name: 'OneCycleLR per step, correct',
    spec: { name: 'OneCycleLR', params: { max_lr: 0.01, total_steps: N }, interval: 'step' },
    n: (s: number) => s,
  },
];

for (const c of cases) {
  const schedule = compileSchedule(parseSchedule(c.spec));
  if (!schedule.verifiable) throw new Error('unverifiable');
  const points = series((s) => schedule.lrAt(c.n(s)));
  const stepsPerEpoch = 500;
  // Warm the JIT once on a smaller run so the figures are steady-state.
  const warm = createDetector({ schedule, stepsPerEpoch });
  warm.add(points.slice(0, 100_000));
  warm.verdict();

  const whole = createDetector({ schedule, stepsPerEpoch });
  const [verdict, full] = timed(() => {
    whole.add(points);
    return whole.verdict();
  });

  const live = createDetector({ schedule, stepsPerEpoch });
  live.add(points.slice(0, N - 100 * BATCH));
  live.verdict();
  const [, last100] = timed(() => {
    for (let i = N - 100 * BATCH; i < N; i += BATCH) {
      live.add(points.slice(i, i + BATCH));
      live.verdict();
    }
  });
  const perBatch = last100 / 100;
  console.log(
    `${c.name}: verdict ${verdict.kind}${verdict.flagged ? ` (${verdict.causes.join(', ')} at step ${verdict.firstBadStep})` : ''}\n` +
      `  full verdict on ${N.toLocaleString('en-US')} points: ${full.toFixed(1)} ms (budget 200 ms)\n` +
      `  incremental batch of ${BATCH.toLocaleString('en-US')}: ${(perBatch * 1000).toFixed(0)} µs = ${((perBatch / full) * (N / BATCH)).toFixed(2)}× the per-point cost of a full verdict`,
  );
}
