// The compare page's state in its URL, so a comparison can be shared: /compare?runs=3,7,12&x=epoch&smooth=0.6
import type { XMode } from './axes';

export const COMPARE_MIN = 2;
export const COMPARE_MAX = 10;

export interface CompareState {
  runs: number[];
  x: XMode;
  /** EMA weight for loss, 0 = off. */
  smooth: number;
}

/** What the URL asked for beyond the state: runs past the tenth, which are not shown. */
export interface CompareRequest extends CompareState {
  dropped: number[];
}

const MODES: XMode[] = ['step', 'epoch', 'wall', 'relative'];

export function parseCompare(params: { get(name: string): string | null }): CompareRequest {
  const asked = [
    ...new Set(
      (params.get('runs') ?? '')
        .split(',')
        .map((s) => Number(s.trim()))
        .filter((n) => Number.isInteger(n) && n > 0),
    ),
  ];
  const x = MODES.includes(params.get('x') as XMode) ? (params.get('x') as XMode) : 'step';
  const raw = params.get('smooth');
  const s = raw === null || raw === '' ? Number.NaN : Number(raw);
  const smooth = Number.isFinite(s) && s >= 0 && s < 1 ? s : 0.6;
  return { runs: asked.slice(0, COMPARE_MAX), x, smooth, dropped: asked.slice(COMPARE_MAX) };
}

export function compareQuery(state: CompareState): string {
  const q = new URLSearchParams();
  q.set('runs', state.runs.join(','));
  if (state.x !== 'step') q.set('x', state.x);
  if (state.smooth !== 0.6) q.set('smooth', String(state.smooth));
  return q.toString().replace(/%2C/g, ',');
}

export function compareHref(runs: number[]): string {
  return `/compare?${compareQuery({ runs, x: 'step', smooth: 0.6 })}`;
}
