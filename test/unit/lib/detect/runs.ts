// Synthetic training runs for detector tests: the LR a trainer would log at each optimizer
// step under a given (correct or broken) loop, computed from the real schedule engine.
import type { LoggedPoint } from '@/lib/detect';
import { compileSchedule, parseSchedule } from '@/lib/schedules';
import type { VerifiableSchedule } from '@/lib/schedules/types';

export function schedule(spec: unknown): VerifiableSchedule {
  const compiled = compileSchedule(parseSchedule(spec));
  if (!compiled.verifiable) throw new Error(`${compiled.spec.name} is not verifiable`);
  return compiled;
}

/** Points for steps [0, steps) every `every` steps, with the LR given by n(step). */
export function logged(s: VerifiableSchedule, steps: number, n: (step: number) => number, opts: { every?: number; digits?: number; stepsPerEpoch?: number } = {}): LoggedPoint[] {
  const out: LoggedPoint[] = [];
  for (let step = 0; step < steps; step += opts.every ?? 1) {
    const raw = s.lrAt(Math.max(0, n(step)));
    const lr = opts.digits ? Number(raw.toPrecision(opts.digits)) : raw;
    out.push({ step, lr, ...(opts.stepsPerEpoch ? { epoch: Math.floor(step / opts.stepsPerEpoch) } : {}) });
  }
  return out;
}
