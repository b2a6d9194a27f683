// The run page's view in its URL: x axis, log scale and the zoomed step range, so a view can be
// shared and Back undoes a zoom. /runs/7?x=epoch&log=1&from=9000&to=11000 (step=N, from an alert,
// opens zoomed around step N). Pure.
import type { XMode } from './axes';

export interface RunViewState {
  x: XMode;
  log: boolean;
  /** The zoomed step range; null = the whole run. */
  range: { from: number; to: number } | null;
}

const MODES: XMode[] = ['step', 'epoch', 'wall', 'relative'];
const STEP_WINDOW = 1000;

const int = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : null);

export function parseRunView(params: { get(name: string): string | null }): RunViewState {
  const x = MODES.includes(params.get('x') as XMode) ? (params.get('x') as XMode) : 'step';
  const from = int(params.get('from'));
  const to = int(params.get('to'));
  const step = int(params.get('step'));
  let range: RunViewState['range'] = null;
  if (from !== null && to !== null && from <= to) range = { from, to };
  else if (step !== null) range = { from: Math.max(0, step - STEP_WINDOW), to: step + STEP_WINDOW };
  return { x, log: params.get('log') === '1', range };
}

export function runViewQuery(s: RunViewState): string {
  const q = new URLSearchParams();
  if (s.x !== 'step') q.set('x', s.x);
  if (s.log) q.set('log', '1');
  if (s.range) {
    q.set('from', String(s.range.from));
    q.set('to', String(s.range.to));
  }
  return q.toString();
}
