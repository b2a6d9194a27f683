// Detector budget (docs/architecture.md, budgets): a full verdict on 1,000,000 points ≤ 200 ms, and an incremental update
// costing time proportional to the batch, with every param group checked. Prints both for
// correct runs (also with four param groups and the scheduler's own count, and with skipped
// optimizer steps and a scaled LR) and for the Coqui failure (where the alternative hypotheses
// are fitted too). The machine is shared: each figure is the best of three.
//   npx tsx bench/detector.ts
import { createDetector, type LoggedPoint } from '../src/lib/detect';
import { compileSchedule, parseSchedule } from '../src/lib/schedules';

const N = 1_000_000;
const BATCH = 1_000;

interface Case {
  name: string;
  spec: unknown;
  n: (s: number) => number;
  /** Each point as logged, from its step and the schedule's LR there. */
  point?: (s: number, lr: number) => LoggedPoint;
}

function series(c: Case, f: (n: number) => number): LoggedPoint[] {
  return Array.from({ length: N }, (_, s) => (c.point ? c.point(s, f(c.n(s))) : { step: s, lr: f(c.n(s)) }));
}

function best<T>(fn: () => T): [T, number] {
  let out: [T, number] = timed(fn);
  for (let i = 0; i < 2; i++) {
    const next = timed(fn);
    if (next[1] < out[1]) out = next;
  }
  return out;
}

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

const cases: Case[] = [
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
  {
    name: 'linear warm-up and decay, 4 param groups and schedulerStep on every point, correct',
    spec: { name: 'linear', params: { num_warmup_steps: 10_000, num_training_steps: N }, baseLr: 1e-4 },
    n: (s: number) => s,
    point: (s, lr) => ({ step: s, lr, lrs: [lr, lr * 10, lr * 0.5, lr * 3], schedulerStep: s }),
  },
  {
    name: 'CosineAnnealingLR ×4 (world size), 12 optimizer steps skipped (GradScaler), correct',
    spec: { name: 'CosineAnnealingLR', params: { T_max: N }, interval: 'step', baseLr: 0.1 },
    n: (s: number) => s + 8 + Math.min(4, Math.floor(s / 200_000)),
    point: (s, lr) => ({ step: s, lr: lr * 4 }),
  },
];

for (const c of cases) {
  const schedule = compileSchedule(parseSchedule(c.spec));
  if (!schedule.verifiable) throw new Error('unverifiable');
  const points = series(c, (n) => schedule.lrAt(n));
  const stepsPerEpoch = 500;
  // Warm the JIT once on a smaller run so the figures are steady-state.
  const warm = createDetector({ schedule, stepsPerEpoch });
  warm.add(points.slice(0, 100_000));
  warm.verdict();

  const [verdict, full] = best(() => {
    const whole = createDetector({ schedule, stepsPerEpoch });
    whole.add(points);
    return whole.verdict();
  });

  // The last 100 batches of a live run, timed alone (building the first 900,000 points is not).
  const last100 = Math.min(
    ...[0, 1, 2].map(() => {
      const live = createDetector({ schedule, stepsPerEpoch });
      live.add(points.slice(0, N - 100 * BATCH));
      live.verdict();
      return timed(() => {
        for (let i = N - 100 * BATCH; i < N; i += BATCH) {
          live.add(points.slice(i, i + BATCH));
          live.verdict();
        }
      })[1];
    }),
  );
  const perBatch = last100 / 100;
  console.log(
    `${c.name}: verdict ${verdict.kind}${verdict.flagged ? ` (${verdict.causes.join(', ')} at step ${verdict.firstBadStep})` : ''}\n` +
      `  full verdict on ${N.toLocaleString('en-US')} points: ${full.toFixed(1)} ms (budget 200 ms)\n` +
      `  incremental batch of ${BATCH.toLocaleString('en-US')}: ${(perBatch * 1000).toFixed(0)} µs = ${((perBatch / full) * (N / BATCH)).toFixed(2)}× the per-point cost of a full verdict`,
  );
}
