import { describe, expect, it } from 'vitest';
import { deliveryWords, inFlight, summarizeDeliveries } from '@/lib/alerts/delivery-words';
import { parseRulesForm, toFormValues } from '@/lib/alerts/rules-form';

const d = (state: string, attempts: number, lastStatus: number | null, lastError: string | null = null, event = 'raised') => ({ event, state, attempts, lastStatus, lastError });

describe('delivery words', () => {
  it('names each state with what the receiver answered', () => {
    expect(deliveryWords(d('delivered', 3, 200))).toEqual({ tone: 'ok', label: 'delivered', detail: 'HTTP 200 after 3 attempts' });
    expect(deliveryWords(d('failed', 1, 404, 'HTTP 404'))).toEqual({ tone: 'bad', label: 'failed', detail: 'HTTP 404; gave up after 1 attempt' });
    expect(deliveryWords(d('pending', 2, null, 'timed out after 5 s'))).toEqual({ tone: 'warn', label: 'retrying', detail: 'timed out after 5 s on 2 attempts; trying again' });
    expect(deliveryWords(d('pending', 0, null))).toMatchObject({ tone: 'pending', label: 'sending' });
    expect(inFlight(d('sending', 0, null))).toBe(true);
    expect(inFlight(d('failed', 6, 500))).toBe(false);
  });

  it('summarises an alert per event, worst channel first', () => {
    expect(summarizeDeliveries([d('delivered', 1, 200), d('delivered', 1, 200)]).map((s) => [s.label, s.tone])).toEqual([['Raise: delivered', 'ok']]);
    expect(summarizeDeliveries([d('delivered', 1, 200), d('failed', 1, 404), d('delivered', 1, 200, null, 'resolved')]).map((s) => [s.label, s.tone])).toEqual([
      ['Raise: 1 of 2 failed', 'bad'],
      ['Resolve: delivered', 'ok'],
    ]);
    expect(summarizeDeliveries([])).toEqual([]);
  });
});

describe('rules form', () => {
  const defaults = { causes: ['stuck', 'mismatch'] as const, stallSeconds: 600, quietSeconds: 300, nonfiniteLoss: true };

  it('shows seconds as minutes and reads them back', () => {
    const v = toFormValues({ ...defaults, causes: [...defaults.causes] });
    expect(v).toMatchObject({ stallMinutes: '10', quietMinutes: '5' });
    expect(parseRulesForm({ ...v, stallMinutes: '0.5', quietMinutes: '0' })).toEqual({ rules: { causes: ['stuck', 'mismatch'], stallSeconds: 30, quietSeconds: 0, nonfiniteLoss: true }, errors: null });
  });

  it('keeps causes in the detector order whatever order they were ticked in', () => {
    const r = parseRulesForm({ causes: ['mismatch', 'stuck', 'stepped_per_epoch'], stallMinutes: '10', quietMinutes: '5', nonfiniteLoss: false });
    expect(r.rules?.causes).toEqual(['stuck', 'stepped_per_epoch', 'mismatch']);
  });

  it('names the field and the limit of a bad value', () => {
    expect(parseRulesForm({ causes: [], stallMinutes: '0.1', quietMinutes: 'soon', nonfiniteLoss: true }).errors).toEqual({
      stallSeconds: 'must be from 10 seconds (0.17) to 7 days (10080) in minutes',
      quietSeconds: 'must be a number of minutes',
    });
    expect(parseRulesForm({ causes: [], stallMinutes: '10', quietMinutes: '1441', nonfiniteLoss: true }).errors).toEqual({ quietSeconds: 'must be from 0 to 1 day (1440) in minutes' });
  });
});
