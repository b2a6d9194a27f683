// Whether every param group's LR is its own η0 times one factor of n, so groups can be checked
// against group 0 by their ratio alone. True for most schedules (StepLR, cosine to zero, every
// Hugging Face lambda) and for those carrying absolute rates (all groups get the same LR). Not
// for an absolute floor or bounds (eta_min > 0, CyclicLR's base_lr) nor per-group lists in the
// params: those groups are not checked rather than risk a false alarm.
import { compileSchedule } from '../schedules/compile-schedule';
import type { ScheduleSpec, VerifiableSchedule } from '../schedules/types';

const SAMPLE = [0, 1, 2, 3, 5, 10, 30, 100, 300, 1000, 3000];

function hasList(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => typeof v === 'number');
  if (value && typeof value === 'object') return Object.values(value).some(hasList);
  return false;
}

/** The params hold a per-group list (max_lr: [0.1, 0.01]); nested schedules are looked into, StepwiseGradualLR's [[step, lr], ...] table is not a per-group list. */
function perGroupLists(spec: ScheduleSpec): boolean {
  return Object.entries(spec.params).some(([key, value]) => {
    if (key === 'schedulers' && Array.isArray(value)) return value.some((child) => perGroupLists(child as ScheduleSpec));
    if (key === 'gradual_learning_rates' || key === 'milestones') return false;
    return hasList(value);
  });
}

export function scalesWithGroups(schedule: VerifiableSchedule): boolean {
  const spec = schedule.spec;
  if (perGroupLists(spec)) return false;
  const base = spec.baseLr ?? 1;
  const other = compileSchedule({ ...spec, baseLr: base * 2 });
  if (!other.verifiable) return false;
  const n = [...SAMPLE, ...(schedule.lastStep !== undefined ? [schedule.lastStep] : [])];
  let ratio = Number.NaN;
  for (const k of n) {
    const a = schedule.lrAt(k);
    const b = other.lrAt(k);
    if (a === 0 && b === 0) continue;
    const r = b / a;
    if (Number.isNaN(ratio)) ratio = r;
    else if (Math.abs(r - ratio) > 1e-9 * Math.abs(ratio)) return false;
  }
  return true;
}
