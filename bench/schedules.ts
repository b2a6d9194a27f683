// Cost of the schedule engine's lrAt, which the detector calls up to ~1e6 times per run (its whole
// budget on 1,000,000 points is 200 ms, docs/architecture.md). Prints ns per lrAt over 1e6 sequential n:
// cold (the first pass: replayed schedules fill their cache here), warm (a second pass), and on
// a shuffled order of the same n.
//   npx tsx bench/schedules.ts [--points 1000000]
import { compileSchedule, parseSchedule, type VerifiableSchedule } from '../src/lib/schedules';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const N = Number(arg('points', '1000000'));

const SPECS: Record<string, unknown> = {
  CosineAnnealingLR: { name: 'CosineAnnealingLR', params: { T_max: N, eta_min: 1e-6 }, baseLr: 3e-4 },
  // Past T_max the recursion is replayed and cached: three quarters of the range here.
  'CosineAnnealingLR past T_max': { name: 'CosineAnnealingLR', params: { T_max: N / 4, eta_min: 1e-6 }, baseLr: 3e-4 },
  OneCycleLR: { name: 'OneCycleLR', params: { max_lr: 1e-3, total_steps: N } },
  SequentialLR: {
    name: 'SequentialLR',
    params: { schedulers: [{ name: 'LinearLR', params: { start_factor: 0.01, total_iters: 2000 } }, { name: 'CosineAnnealingLR', params: { T_max: N - 2000 } }], milestones: [2000] },
    baseLr: 3e-4,
  },
  ChainedScheduler: { name: 'ChainedScheduler', params: { schedulers: [{ name: 'LinearLR', params: { start_factor: 0.1, total_iters: 1000 } }, { name: 'ExponentialLR', params: { gamma: 0.999999 } }] }, baseLr: 1e-3 },
  MultiStepLR: { name: 'MultiStepLR', params: { milestones: [N / 2, (3 * N) / 4], gamma: 0.1 }, baseLr: 0.1 },
  StepLR: { name: 'StepLR', params: { step_size: 1000, gamma: 0.9 }, baseLr: 0.1 },
  CosineAnnealingWarmRestarts: { name: 'CosineAnnealingWarmRestarts', params: { T_0: 1000, T_mult: 2 }, baseLr: 0.1 },
  cosine: { name: 'cosine', params: { num_warmup_steps: 2000, num_training_steps: N }, baseLr: 5e-5 },
  StepwiseGradualLR: { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] } },
};

function compile(spec: unknown): VerifiableSchedule {
  const s = compileSchedule(parseSchedule(spec));
  if (!s.verifiable) throw new Error('unverifiable');
  return s;
}

/** ns per call over the given n; the sum keeps the calls from being optimized away. */
function pass(s: VerifiableSchedule, ns: ArrayLike<number>): { perCall: number; sum: number } {
  let sum = 0;
  const t0 = performance.now();
  for (let i = 0; i < ns.length; i++) sum += s.lrAt(ns[i]);
  return { perCall: ((performance.now() - t0) * 1e6) / ns.length, sum };
}

const sequential = Float64Array.from({ length: N }, (_, i) => i);
const shuffled = sequential.slice();
let seed = 42;
for (let i = shuffled.length - 1; i > 0; i--) {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  const j = seed % (i + 1);
  [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
}

// Warm the JIT on a throwaway schedule of each kind first, so the first row does not pay for it.
for (const spec of Object.values(SPECS)) pass(compile(spec), sequential.subarray(0, 50_000));

console.log(`lrAt over ${N.toLocaleString('en-US')} sequential n (ns per call)`);
console.log(`${'schedule'.padEnd(28)} ${'cold'.padStart(7)} ${'warm'.padStart(7)} ${'shuffled'.padStart(9)}  ${'cold total'.padStart(10)}`);
let checksum = 0;
for (const [name, spec] of Object.entries(SPECS)) {
  const s = compile(spec);
  const cold = pass(s, sequential);
  const warm = pass(s, sequential);
  const random = pass(s, shuffled);
  checksum += cold.sum + warm.sum + random.sum;
  const total = `${((cold.perCall * N) / 1e6).toFixed(1)} ms`;
  console.log(`${name.padEnd(28)} ${cold.perCall.toFixed(1).padStart(7)} ${warm.perCall.toFixed(1).padStart(7)} ${random.perCall.toFixed(1).padStart(9)}  ${total.padStart(10)}`);
}
console.log(`(checksum ${checksum.toExponential(3)})`);
