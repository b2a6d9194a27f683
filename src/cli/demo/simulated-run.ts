// Simulated training: the LR from the real schedule engine, advanced the way the scenario's loop
// advances its scheduler, and a loss that responds to it.
import type { LogValues } from '@/client/to-wire-point';
import { compileSchedule } from '@/lib/schedules';
import type { VerifiableSchedule } from '@/lib/schedules/types';
import type { Scenario } from './scenarios';

/** Small seeded PRNG (mulberry32): the same demo every time, so its test is deterministic. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimulatedRun {
  private readonly schedule: VerifiableSchedule;
  private readonly peak: number;
  private readonly rand: () => number;
  /** Learning done so far: the sum of LR/peak over steps, per step of the run. */
  private progress = 0;

  constructor(
    readonly scenario: Scenario,
    private readonly steps: number,
    seed: number,
  ) {
    const compiled = compileSchedule(scenario.schedule);
    if (!compiled.verifiable) throw new Error(`demo: ${scenario.schedule.name} must be verifiable`);
    this.schedule = compiled;
    let peak = 0;
    for (let n = 0; n <= steps; n += Math.max(1, Math.floor(steps / 500))) peak = Math.max(peak, compiled.lrAt(n));
    this.peak = peak;
    this.rand = random(seed);
  }

  /** The values a trainer would log at optimizer step `step`. */
  point(step: number): LogValues {
    const s = this.scenario;
    const epoch = Math.floor(step / s.stepsPerEpoch);
    const lr = this.schedule.lrAt(s.counter(step, epoch));
    const r = lr / this.peak;
    this.progress += r / this.steps;
    // Loss falls with the learning done; a higher LR keeps it on a noisier, higher plateau,
    // which is why a decay that never happens shows in the loss too.
    const learned = 1 - Math.exp(-4 * this.progress);
    const loss = (2.6 - 2.2 * learned + 0.45 * r * learned) * (1 + 0.04 * this.gaussian());
    const gradNorm = (0.4 + 1.6 * Math.exp(-3 * this.progress)) * (1 + 0.1 * this.gaussian());
    return { lr, loss: Math.max(0.01, loss), epoch: s.loggedEpoch(step, epoch), grad_norm: Math.abs(gradNorm) };
  }

  private gaussian(): number {
    const u = Math.max(this.rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rand());
  }
}
