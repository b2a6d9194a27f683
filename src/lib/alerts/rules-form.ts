// The alert rules form: rules in the units people think in (minutes) and back, with the same
// limits the API enforces, so a mistake is named next to its field before anything is sent. Pure.
import { CAUSES, type Cause } from '../verdict';

export interface Rules {
  causes: Cause[];
  stallSeconds: number;
  quietSeconds: number;
  nonfiniteLoss: boolean;
}

export interface RulesFormValues {
  causes: Cause[];
  stallMinutes: string;
  quietMinutes: string;
  nonfiniteLoss: boolean;
}

export function toFormValues(r: Rules): RulesFormValues {
  return { causes: [...r.causes], stallMinutes: minutes(r.stallSeconds), quietMinutes: minutes(r.quietSeconds), nonfiniteLoss: r.nonfiniteLoss };
}

function minutes(seconds: number): string {
  return String(Number((seconds / 60).toFixed(2)));
}

function seconds(text: string, field: string, min: number, max: number, errors: Record<string, string>, limits: string): number | undefined {
  const t = text.trim();
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) {
    errors[field] = 'must be a number of minutes';
    return undefined;
  }
  const s = Math.round(n * 60);
  if (s < min || s > max) {
    errors[field] = limits;
    return undefined;
  }
  return s;
}

/** The rules to send, or the errors to show by field. Causes keep the detector's order. */
export function parseRulesForm(v: RulesFormValues): { rules: Rules; errors: null } | { rules: null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const stallSeconds = seconds(v.stallMinutes, 'stallSeconds', 10, 7 * 86_400, errors, 'must be from 10 seconds (0.17) to 7 days (10080) in minutes');
  const quietSeconds = seconds(v.quietMinutes, 'quietSeconds', 0, 86_400, errors, 'must be from 0 to 1 day (1440) in minutes');
  if (stallSeconds === undefined || quietSeconds === undefined) return { rules: null, errors };
  return { rules: { causes: CAUSES.filter((c) => v.causes.includes(c)), stallSeconds, quietSeconds, nonfiniteLoss: v.nonfiniteLoss }, errors: null };
}
