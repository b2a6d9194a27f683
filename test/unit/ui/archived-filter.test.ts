import { describe, expect, it } from 'vitest';
import { applyRunUpdate, matchesFilters, parseRunsView, type RunSummary, runsViewQuery } from '@/lib/ui/runs-view';

const run = (id: number, archivedAt: string | null = null): RunSummary => ({
  id,
  project: 'default',
  name: `run-${id}`,
  status: 'finished',
  tags: [],
  startedAt: '2026-01-01T00:00:00Z',
  lastSeenAt: '2026-01-01T00:00:00Z',
  lastStep: 10,
  lastLr: 0.1,
  verdict: { kind: 'ok', flagged: false, causes: [], message: '', warnings: [] },
  archivedAt,
});

describe('archived runs in the runs table', () => {
  const archived = run(1, '2026-02-01T00:00:00Z');
  const active = run(2);

  it('hides archived runs unless the filter asks for them, like the server', () => {
    expect(matchesFilters(archived, {})).toBe(false);
    expect(matchesFilters(archived, { archived: false })).toBe(false);
    expect(matchesFilters(archived, { archived: true })).toBe(true);
    expect(matchesFilters(archived, { archived: 'only' })).toBe(true);
    expect(matchesFilters(active, {})).toBe(true);
    expect(matchesFilters(active, { archived: true })).toBe(true);
    expect(matchesFilters(active, { archived: 'only' })).toBe(false);
    expect(matchesFilters({ ...active, archivedAt: undefined }, {}), 'a summary without the field is not archived').toBe(true);
  });

  it('drops a run from the table when it is archived live, and brings it back when unarchived', () => {
    const rows = [run(3), active];
    expect(applyRunUpdate(rows, { ...active, archivedAt: '2026-02-01T00:00:00Z' }, {})?.map((r) => r.id)).toEqual([3]);
    expect(applyRunUpdate([run(3)], active, {})?.map((r) => r.id)).toEqual([2, 3]);
    expect(applyRunUpdate(rows, { ...active, archivedAt: '2026-02-01T00:00:00Z' }, { archived: true })?.map((r) => r.id)).toEqual([3, 2]);
  });

  it('keeps the archived filter in the address: absent hides them, "1" includes them, "only"', () => {
    const view = (q: string) => parseRunsView(new URLSearchParams(q));
    expect(view('').archived).toBeUndefined();
    expect(view('archived=1').archived).toBe(true);
    expect(view('archived=only').archived).toBe('only');
    expect(view('archived=yes').archived).toBeUndefined();
    expect(runsViewQuery(view('archived=1'))).toBe('archived=1');
    expect(runsViewQuery(view('archived=only&q=gan'))).toBe('q=gan&archived=only');
    expect(runsViewQuery({ ...view(''), archived: false })).toBe('');
  });
});
