import { describe, expect, it } from 'vitest';
import { compareHref, compareQuery, parseCompare } from '@/lib/ui/compare-url';
import { formatAgo, formatDuration, formatLr, formatValue, prettyJson } from '@/lib/ui/format';
import { applyRunUpdate, matchesFilters, nextSort, parseRunsView, type RunSummary, runsViewQuery } from '@/lib/ui/runs-view';
import { explainVerdict, verdictBadge } from '@/lib/ui/verdict-words';
import type { Verdict } from '@/lib/verdict';

const coqui: Verdict = {
  kind: 'flagged',
  flagged: true,
  causes: ['stepped_per_epoch', 'stuck'],
  firstBadStep: 10_000,
  expected: 4e-4,
  actual: 5e-4,
  message: 'the LR is stuck at 5e-4; the schedule is stepped per epoch, not per step',
  warnings: [],
};

describe('verdict in words', () => {
  it('says what is wrong, since which step, the likely cause and the fix (the Coqui case)', () => {
    const e = explainVerdict(coqui);
    expect(e.headline).toBe('The LR is stuck at 5e-4.');
    expect(e.since).toBe('Since step 10,000: the schedule asks for 4e-4, the run uses 5e-4.');
    expect(e.causes.map((c) => c.name)).toEqual(['stepped per epoch']);
    expect(e.causes[0].fix).toContain('scheduler_after_epoch=False');
  });
  it("prefers the detector's own explanation and fix, in the run's framework's words", () => {
    const e = explainVerdict({ ...coqui, explanation: 'StepwiseGradualLR is written in optimizer steps.', fix: 'Set scheduler_after_epoch=False in the trainer config.' });
    expect(e.causes).toEqual([{ code: 'stepped_per_epoch', name: 'stepped per epoch', cause: 'StepwiseGradualLR is written in optimizer steps.', fix: 'Set scheduler_after_epoch=False in the trainer config.' }]);
  });
  it('lists "stuck" as the cause only when nothing explains it', () => {
    expect(explainVerdict({ ...coqui, causes: ['stuck'] }).causes.map((c) => c.code)).toEqual(['stuck']);
  });
  it('names the schedule not taking effect', () => {
    expect(explainVerdict({ ...coqui, causes: ['never_stepped'], actual: 0.1 }).headline).toBe('The schedule is not taking effect: the LR stays at 0.1.');
  });
  it('badges every kind with words, not colour alone', () => {
    expect(verdictBadge(coqui)).toMatchObject({ tone: 'bad', label: 'Flagged: stepped per epoch' });
    expect(verdictBadge({ ...coqui, causes: ['stuck'] }).label).toBe('Flagged: LR stuck');
    expect(verdictBadge({ ...coqui, causes: ['stepped_per_step'] }).label).toBe('Flagged: stepped per batch');
    expect(verdictBadge({ kind: 'ok', flagged: false, causes: [], message: '', warnings: [] }).label).toBe('OK');
    expect(verdictBadge({ kind: 'unverifiable', flagged: false, causes: [], message: 'ReduceLROnPlateau', warnings: [] }).label).toBe('Unverifiable');
    expect(verdictBadge({ kind: 'no_schedule', flagged: false, causes: [], message: '', warnings: [] }).label).toBe('No schedule');
    expect(verdictBadge({ kind: 'unknown', flagged: false, causes: [], message: '', warnings: [] }).label).toBe('Not checked yet');
  });
});

describe('formatting', () => {
  it('writes LRs the way people do', () => {
    expect([5e-4, 4e-4, 3.2e-5, 0.1, 0.025, 1, 0, null].map(formatLr)).toEqual(['5e-4', '4e-4', '3.2e-5', '0.1', '0.025', '1', '0', '—']);
    expect([1.23456, Number.NaN, Number.POSITIVE_INFINITY, 1e-5].map(formatValue)).toEqual(['1.235', 'NaN', '∞', '1e-5']);
  });
  it('writes times relative and as durations', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatAgo('2026-01-01T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2026-01-01T11:55:00Z', now)).toBe('5 min ago');
    expect(formatAgo('2025-12-30T12:00:00Z', now)).toBe('2 d ago');
    expect([45, 725, 10_930].map(formatDuration)).toEqual(['45 s', '12:05', '3:02:10']);
  });
  it('keeps short arrays on one line in JSON', () => {
    expect(prettyJson({ milestones: [30, 60] })).toBe('{\n  "milestones": [30, 60]\n}');
  });
});

const run = (id: number, over: Partial<RunSummary> = {}): RunSummary => ({
  id,
  project: 'default',
  name: `run-${id}`,
  status: 'running',
  tags: [],
  startedAt: '2026-01-01T00:00:00Z',
  lastSeenAt: `2026-01-01T00:00:${String(id).padStart(2, '0')}Z`,
  lastStep: id * 10,
  lastLr: 0.1,
  verdict: { kind: 'ok', flagged: false, causes: [], message: '', warnings: [] },
  ...over,
});

describe('runs table', () => {
  it('filters like the server: project, status, flagged, name or tag', () => {
    const r = run(1, { name: 'xtts-a', tags: ['tts'], verdict: coqui });
    expect(matchesFilters(r, { flagged: true, search: 'TTS' })).toBe(true);
    expect(matchesFilters(r, { flagged: false })).toBe(false);
    expect(matchesFilters(r, { status: 'finished' })).toBe(false);
    expect(matchesFilters(r, { project: 'other' })).toBe(false);
  });
  it('matches a project by substring, like the server', () => {
    expect(matchesFilters(run(1), { project: 'efau' })).toBe(true);
    expect(matchesFilters(run(1), { project: 'vision' })).toBe(false);
  });
  it('sorts on the first click the way people look: flagged and latest first, names A to Z; a second click flips', () => {
    const s = { sort: 'lastSeen', dir: 'desc' } as const;
    expect(nextSort(s, 'verdict')).toEqual({ sort: 'verdict', dir: 'desc' });
    expect(nextSort({ sort: 'verdict', dir: 'desc' }, 'verdict')).toEqual({ sort: 'verdict', dir: 'asc' });
    expect(nextSort(s, 'name')).toEqual({ sort: 'name', dir: 'asc' });
    expect(nextSort(s, 'lastStep')).toEqual({ sort: 'lastStep', dir: 'desc' });
  });
  it('keeps filters and sort in the URL, leaving defaults out', () => {
    const state = parseRunsView(new URLSearchParams('q=xtts&project=speech&status=running&flagged=1&sort=verdict'));
    expect(state).toEqual({ search: 'xtts', project: 'speech', status: 'running', flagged: true, sort: 'verdict', dir: 'desc' });
    expect(runsViewQuery(state)).toBe('q=xtts&project=speech&status=running&flagged=1&sort=verdict');
    expect(runsViewQuery({ ...state, dir: 'asc' })).toContain('dir=asc');
    expect(runsViewQuery(parseRunsView(new URLSearchParams('')))).toBe('');
    expect(parseRunsView(new URLSearchParams('sort=size&dir=up&status=asleep&flagged=maybe'))).toEqual({ sort: 'lastSeen', dir: 'desc', project: undefined, status: undefined, flagged: undefined, search: undefined });
  });
  it('places a pushed run: replaced in place, added on top when new, dropped when it stops matching', () => {
    const rows = [run(2), run(1)];
    expect(applyRunUpdate(rows, run(1, { lastStep: 99 }), {})!.map((r) => [r.id, r.lastStep])).toEqual([[2, 20], [1, 99]]);
    expect(applyRunUpdate(rows, run(3), {})!.map((r) => r.id)).toEqual([3, 2, 1]);
    expect(applyRunUpdate(rows, run(1, { verdict: coqui }), { flagged: false })!.map((r) => r.id)).toEqual([2]);
    expect(applyRunUpdate(rows, run(4, { status: 'crashed' }), { status: 'running' })).toBe(rows);
    expect(applyRunUpdate(rows, run(3), {}, false), 'under another sort the server places it').toBeNull();
    expect(applyRunUpdate(rows, run(1, { lastStep: 99 }), {}, false)!.map((r) => r.id)).toEqual([2, 1]);
  });
});

describe('compare URL', () => {
  it('round-trips the selection, alignment and smoothing', () => {
    const q = compareQuery({ runs: [3, 7, 12], x: 'epoch', smooth: 0.8 });
    expect(q).toBe('runs=3,7,12&x=epoch&smooth=0.8');
    expect(parseCompare(new URLSearchParams(q))).toEqual({ runs: [3, 7, 12], x: 'epoch', smooth: 0.8, dropped: [] });
    expect(compareHref([1, 2])).toBe('/compare?runs=1,2');
    expect(parseCompare(new URLSearchParams('runs=1,2')).smooth, 'no smoothing given: the default, not off').toBe(0.6);
    expect(parseCompare(new URLSearchParams('runs=1,2&smooth=0')).smooth).toBe(0);
  });
  it('ignores junk and duplicates, and says which runs past the tenth it leaves out', () => {
    const s = parseCompare(new URLSearchParams('runs=1,1,x,-2,3,4,5,6,7,8,9,10,11,12&x=bogus&smooth=7'));
    expect(s).toEqual({ runs: [1, 3, 4, 5, 6, 7, 8, 9, 10, 11], x: 'step', smooth: 0.6, dropped: [12] });
  });
});
