// What the server reads for a page's first view must be keyed exactly as the browser's own
// queries are, or the browser reads everything again; and what it renders must not depend on the
// viewer's zone.
import { describe, expect, it } from 'vitest';
import { alertsListInput, parseAlertsView, settingsProject } from '@/lib/ui/alerts-view';
import { formatDateTime, formatStep } from '@/lib/ui/format';
import { parseRunsView, runsListInput } from '@/lib/ui/runs-view';
import { searchParamsOf } from '@/lib/ui/search-params';

describe("a page's search params, as the server sees them", () => {
  it('reads like the browser: a repeated name gives its first value, an absent one null', () => {
    const params = searchParamsOf({ q: ['resnet', 'vit'], status: 'running', project: undefined });
    expect(params.get('q')).toBe('resnet');
    expect(params.get('status')).toBe('running');
    expect(params.get('project')).toBeNull();
  });

  it('gives the runs table the same list input on the server as in the browser', () => {
    const url = '?q=sweep&status=stalled&flagged=1&sort=name&archived=only';
    const fromUrl = runsListInput(parseRunsView(new URLSearchParams(url)));
    const fromRecord = runsListInput(parseRunsView(searchParamsOf({ q: 'sweep', status: 'stalled', flagged: '1', sort: 'name', archived: 'only' })));
    expect(fromRecord).toEqual(fromUrl);
    expect(fromUrl).toEqual({ project: undefined, status: 'stalled', flagged: true, search: 'sweep', archived: 'only', sort: 'name', dir: 'asc', limit: 100 });
  });

  it('gives the alerts page the same list input on the server as in the browser', () => {
    expect(alertsListInput(parseAlertsView(searchParamsOf({ state: 'resolved', kind: 'stalled', run: '7' })))).toEqual({ state: 'resolved', project: undefined, kind: 'stalled', runId: 7, limit: 200 });
  });
});

describe('the project the alert settings show', () => {
  it('is the one asked for when it exists, else "default", else the first', () => {
    expect(settingsProject(['a', 'default'], 'a')).toBe('a');
    expect(settingsProject(['a', 'default'], 'nope')).toBe('default');
    expect(settingsProject(['b', 'c'], undefined)).toBe('b');
    expect(settingsProject([], 'a')).toBeUndefined();
  });
});

describe('times and counts rendered on the server', () => {
  it('writes a time in UTC when asked, whatever the zone the code runs in', () => {
    expect(formatDateTime('2026-11-24T23:55:10Z', 'UTC')).toBe('2026-11-24 23:55');
    expect(formatDateTime('2026-01-02T03:04:00+05:00', 'UTC')).toBe('2026-01-01 22:04');
    expect(formatDateTime(null, 'UTC')).toBe('—');
  });

  it('groups step counts the way toLocaleString("en-US") does', () => {
    for (const v of [0, 7, 12_000, 1_234_567, -5, 0.125]) expect(formatStep(v)).toBe(v.toLocaleString('en-US'));
    expect(formatStep(null)).toBe('—');
  });
});
