// A pasted config + the run's length → the curve the trainer will produce, on the clock it will
// really use, beside the curve as written when the two differ; with the detector's plausibility
// warnings (e.g. "its first change (at 10,000) needs 10,000 epochs"). Pure and synchronous: the
// page calls it on every edit.
import { detect, firstChange } from '../detect';
import { compileSchedule, ScheduleSpecError } from '../schedules';
import type { Interval, VerifiableSchedule } from '../schedules/types';
import { formatStep } from '../ui/format';
import { ConfigError } from './config-error';
import { readConfig } from './read-config';
import { checkLength, FieldError, readEpochs, readStepsPerEpoch } from './run-length';
import { sampleCurve } from './sample-curve';
import type { FormRun } from './translation';
import { type TranslatedSchedule, translateConfig } from './translate';
import type { Marker, PreviewError, PreviewInput, PreviewOk, PreviewResult, RunLength } from './types';

export const MAX_CURVE_POINTS = 2000;

function configError(err: unknown): PreviewError | undefined {
  if (err instanceof ConfigError) return { field: 'config', message: err.message };
  if (err instanceof ScheduleSpecError) return { field: 'config', message: err.message };
  if (err instanceof FieldError) return { field: err.field, message: err.message };
  return undefined;
}

/**
 * The form's run fields. Their errors are collected so each field shows its own; a missing or
 * bad value is replaced by a stand-in so the config is still checked and its errors shown too.
 */
function readForm(input: PreviewInput, errors: PreviewError[]): { form: FormRun; epochsMissing: boolean } {
  let stepsPerEpoch = 1;
  let epochs: number | undefined = 1;
  let epochsMissing = false;
  try {
    stepsPerEpoch = readStepsPerEpoch(input.stepsPerEpoch);
  } catch (err) {
    errors.push(configError(err)!);
  }
  try {
    epochs = readEpochs(input.epochs);
    if (epochs === undefined) {
      epochsMissing = true;
      epochs = 1;
    }
  } catch (err) {
    errors.push(configError(err)!);
  }
  return { form: { stepsPerEpoch, epochs }, epochsMissing };
}

function markers(schedule: VerifiableSchedule, run: RunLength, clocks: Record<'intended' | 'actual', number>, change: PreviewOk['firstChange'], mismatch: boolean): Marker[] {
  const out: Marker[] = [];
  if (mismatch && change.intended !== undefined && change.intended < run.totalSteps) out.push({ step: change.intended, label: `first change as written: step ${formatStep(change.intended)}` });
  if (mismatch && change.actual !== undefined && change.actual < run.totalSteps) out.push({ step: change.actual, label: `first change as stepped: step ${formatStep(change.actual)}` });
  // OneCycleLR raises once stepped past total_steps: the run would crash there.
  if (schedule.lastStep !== undefined) {
    const crash = (schedule.lastStep + 1) * clocks.actual;
    if (crash < run.totalSteps) out.push({ step: crash, label: `PyTorch raises here: stepped past its last step (${formatStep(schedule.lastStep)})` });
  }
  return out;
}

export function buildPreview(input: PreviewInput): PreviewResult {
  const errors: PreviewError[] = [];
  let config: Record<string, unknown> | undefined;
  if (input.config.trim() === '') errors.push({ field: 'config', message: 'empty: paste a config, or pick a preset' });
  else {
    try {
      config = readConfig(input.config);
    } catch (err) {
      errors.push(configError(err)!);
    }
  }
  const { form, epochsMissing } = readForm(input, errors);
  if (!config) return { ok: false, errors };

  let t: TranslatedSchedule;
  try {
    t = translateConfig(input.framework, config, form);
    checkLength(t.run);
  } catch (err) {
    const e = configError(err);
    if (!e) throw err;
    return { ok: false, errors: [...errors.filter((x) => x.field !== e.field), e] };
  }
  // Empty epochs are fine when the config sets the run's length itself.
  if (epochsMissing && t.run.from === null) errors.push({ field: 'epochs', message: 'required: how many epochs to preview' });
  if (errors.length) return { ok: false, errors };

  const { run, schedule, spec, intended, actual, cadence } = t;
  const mismatch = intended !== actual;
  const base = {
    ok: true as const,
    framework: input.framework,
    spec,
    intended,
    actual,
    cadence: cadence.text,
    run,
    notes: t.notes,
  };
  if (!schedule.verifiable) {
    return { ...base, unverifiable: schedule.reason, curves: { actual: [] }, bucket: 1, lr: { start: Number.NaN, end: Number.NaN, min: Number.NaN, max: Number.NaN }, firstChange: {}, markers: [], warnings: [] };
  }

  const clocks = { intended: intended === 'step' ? 1 : run.stepsPerEpoch, actual: actual === 'step' ? 1 : run.stepsPerEpoch };
  const lrAt = (n: number) => schedule.lrAt(n);
  const actualCurve = sampleCurve(lrAt, clocks.actual, run.totalSteps, MAX_CURVE_POINTS);
  const n = firstChange(schedule, Math.ceil(run.totalSteps / Math.min(clocks.intended, clocks.actual)));
  const change = n === undefined ? {} : { intended: n * clocks.intended, actual: n * clocks.actual };
  // The detector judges the plan on the clock the trainer will use.
  const verdict = detect({ schedule: compileSchedule({ ...spec, interval: actual }), stepsPerEpoch: run.stepsPerEpoch, plannedSteps: run.totalSteps, points: [] });
  const result: PreviewOk = {
    ...base,
    fix: mismatch ? cadence.fix : undefined,
    curves: { actual: actualCurve.buckets },
    bucket: actualCurve.width,
    lr: {
      start: lrAt(0),
      end: lrAt(Math.floor((run.totalSteps - 1) / clocks.actual)),
      min: Math.min(...actualCurve.buckets.map((b) => b.min)),
      max: Math.max(...actualCurve.buckets.map((b) => b.max)),
    },
    firstChange: change,
    markers: markers(schedule, run, clocks, change, mismatch),
    warnings: verdict.warnings,
  };
  if (mismatch) result.curves.intended = sampleCurve(lrAt, clocks.intended, run.totalSteps, MAX_CURVE_POINTS).buckets;
  return result;
}
