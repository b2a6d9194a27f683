// The demo's command line.
import { UsageError } from '../io';
import { EPOCHS } from './scenarios';

export const USAGE = `usage: lrscope demo [--fast] [--steps N] [--rate STEPS_PER_SECOND] [--api-only]
  --fast       no pacing: finishes in seconds (default 2,400 steps per run)
  --steps N    optimizer steps per run (default 24,000; 2,400 with --fast)
  --rate R     steps per second per run (default 300)
  --api-only   when starting the app itself: no pages, and stop when the runs are done
Uses LRSCOPE_URL and LRSCOPE_API_KEY when set; otherwise starts lrscope (PORT, DATABASE_URL as for npm start).`;

export interface DemoOptions {
  steps: number;
  rate: number;
  fast: boolean;
  apiOnly: boolean;
}

export function parseOptions(args: string[]): DemoOptions {
  const opts: DemoOptions = { steps: 0, rate: 300, fast: false, apiOnly: false };
  const number = (flag: string, v: string | undefined, min: number, max: number) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got ${v ?? 'nothing'}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--fast') opts.fast = true;
    else if (a === '--api-only') opts.apiOnly = true;
    else if (a === '--steps') opts.steps = number('--steps', args[++i], EPOCHS * 10, 10_000_000);
    else if (a === '--rate') opts.rate = number('--rate', args[++i], 1, 1_000_000);
    else throw new UsageError(`unknown option "${a}"\n${USAGE}`);
  }
  opts.steps ||= opts.fast ? 2_400 : 24_000;
  return opts;
}
