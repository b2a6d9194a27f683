// Pure pieces of the dashboard: view state in URLs (run page, alerts, preview), run health words
// and markers, alert grouping, the theme choice, axis formats, and picking a compression.
import { describe, expect, it } from 'vitest';
import { alertsViewQuery, groupByKind, parseAlertsView } from '@/lib/ui/alerts-view';
import { xExactFormatter, xFormatter } from '@/lib/ui/axes';
import { exactNumber } from '@/lib/ui/format';
import { healthMarker, healthWords, runHealth } from '@/lib/ui/health';
import { parsePreviewUrl, previewQuery } from '@/lib/ui/preview-url';
import { parseRunView, runViewQuery } from '@/lib/ui/run-url';
import { nextChoice, parseTheme, resolveTheme } from '@/lib/ui/theme';
import { pickEncoding } from '@/server/http/compress-json';

describe('run page URL', () => {
  it('round-trips x axis, log scale and zoom; leaves defaults out', () => {
    const s = { x: 'epoch' as const, log: true, range: { from: 9000, to: 11_000 } };
    expect(runViewQuery(s)).toBe('x=epoch&log=1&from=9000&to=11000');
    expect(parseRunView(new URLSearchParams(runViewQuery(s)))).toEqual(s);
    expect(runViewQuery({ x: 'step', log: false, range: null })).toBe('');
  });
  it('opens zoomed around a linked step; ignores junk', () => {
    expect(parseRunView(new URLSearchParams('step=500')).range).toEqual({ from: 0, to: 1500 });
    expect(parseRunView(new URLSearchParams('x=sideways&from=9&to=3&log=yes'))).toEqual({ x: 'step', log: false, range: null });
    expect(parseRunView(new URLSearchParams('from=-5&to=10')).range).toBeNull();
  });
});

describe('alerts page URL and groups', () => {
  it('round-trips tab, project, kind and run', () => {
    const s = { tab: 'resolved' as const, project: 'speech', kind: 'stalled' as const, runId: 7 };
    expect(parseAlertsView(new URLSearchParams(alertsViewQuery(s)))).toEqual(s);
    expect(alertsViewQuery({ tab: 'active' })).toBe('');
    expect(parseAlertsView(new URLSearchParams('kind=boom&run=x'))).toEqual({ tab: 'active', project: undefined, kind: undefined, runId: undefined });
  });
  it('groups by kind in a fixed order, keeping each group’s order', () => {
    const a = [
      { id: 5, kind: 'stalled' },
      { id: 4, kind: 'flagged' },
      { id: 3, kind: 'nonfinite_loss' },
      { id: 2, kind: 'flagged' },
    ];
    expect(groupByKind(a).map((g) => [g.kind, g.alerts.map((x) => x.id)])).toEqual([
      ['flagged', [4, 2]],
      ['nonfinite_loss', [3]],
      ['stalled', [5]],
    ]);
  });
});

describe('preview URL', () => {
  it('keeps a preset by id, an edited config in full', () => {
    const preset = { framework: 'coqui' as const, presetId: 'coqui-xtts', config: null, stepsPerEpoch: '500', epochs: '40' };
    expect(previewQuery(preset)).toBe('preset=coqui-xtts&spe=500&epochs=40');
    const edited = { framework: 'pytorch' as const, presetId: '', config: '{"name":"StepLR"}', stepsPerEpoch: '100', epochs: '3' };
    expect(parsePreviewUrl(new URLSearchParams(previewQuery(edited)))).toEqual({ framework: 'pytorch', config: '{"name":"StepLR"}', stepsPerEpoch: '100', epochs: '3' });
    expect(parsePreviewUrl(new URLSearchParams('fw=keras'))).toEqual({});
  });
});

describe('run health', () => {
  const last = { step: 9900, at: '2026-01-01T00:00:00Z' };
  it('reads NaN/Inf loss from its alert and stalled from the status, NaN first', () => {
    const alerts = [
      { kind: 'stalled', step: null, since: 't1' },
      { kind: 'nonfinite_loss', step: 8400, since: 't0' },
      { kind: 'flagged', step: 10_000, since: 't2' },
    ];
    expect(runHealth('stalled', alerts, last)).toEqual([
      { kind: 'nonfinite_loss', step: 8400, since: 't0' },
      { kind: 'stalled', step: 9900, since: 't1' },
    ]);
    expect(runHealth('running', alerts, last), 'a stall alert of a run that came back is not health').toEqual([{ kind: 'nonfinite_loss', step: 8400, since: 't0' }]);
    expect(runHealth('stalled', [], last), 'stalled without its alert (rule off)').toEqual([{ kind: 'stalled', step: 9900, since: last.at }]);
    expect(runHealth('finished', [], last)).toEqual([]);
  });
  it('words: healthy, the worst issue with its step, and how many more', () => {
    expect(healthWords([])).toMatchObject({ tone: 'ok', label: 'Healthy' });
    const both = runHealth('stalled', [{ kind: 'nonfinite_loss', step: 8400, since: 't' }], last);
    expect(healthWords(both)).toEqual({ tone: 'bad', label: 'Loss NaN/Inf since step 8,400 (+1)', title: 'The loss is NaN or infinite since step 8,400. No points have arrived for a while; the trainer may be stuck or gone since step 9,900.' });
    expect(healthWords(runHealth('stalled', [], last))).toMatchObject({ tone: 'warn', label: 'Stalled since step 9,900' });
  });
  it('marks the chart where the loss broke, and nothing for a stall', () => {
    expect(healthMarker([{ kind: 'nonfinite_loss', step: 8400, since: 't' }])).toEqual({ step: 8400, label: 'loss NaN/Inf from step 8,400' });
    expect(healthMarker([{ kind: 'stalled', step: 9900, since: 't' }])).toBeNull();
  });
});

describe('theme', () => {
  it('follows the system until picked; picking what the system gives follows it again', () => {
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme('purple')).toBeNull();
    expect(resolveTheme(null, true)).toBe('dark');
    expect(resolveTheme('light', true)).toBe('light');
    expect(nextChoice('light', false)).toBe('dark');
    expect(nextChoice('dark', false)).toBeNull();
    expect(nextChoice('dark', true)).toBe('light');
    expect(nextChoice('light', true)).toBeNull();
  });
});

describe('axis and tooltip formats', () => {
  it('labels only whole steps; tooltips give the exact step and value', () => {
    const f = xFormatter('step');
    expect(f(318.673)).toBe('');
    expect(f(320)).toBe('320');
    expect(f(25_000)).toBe('25k');
    expect(xExactFormatter('step')(318.673)).toBe('319');
    expect(exactNumber(0.00749)).toBe('0.00749');
    expect(exactNumber(1.2345678e-7)).toBe('1.2345678e-7');
    expect(exactNumber(Number.NaN)).toBe('NaN');
  });
  it('puts the date on wall-time ticks and the full time in tooltips', () => {
    const t = new Date(2026, 11, 7, 17, 5, 9).getTime();
    expect(xFormatter('wall', 3_600_000)(t)).toBe('Dec 7 17:05');
    expect(xFormatter('wall', 30_000)(t)).toBe('Dec 7 17:05:09');
    expect(xExactFormatter('wall')(t)).toBe('2026-12-07 17:05:09');
  });
});

describe('compression choice', () => {
  it('prefers brotli, then gzip, honours q=0 and *', () => {
    expect(pickEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(pickEncoding('gzip')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('*, br;q=0')).toBe('gzip');
  });
});
