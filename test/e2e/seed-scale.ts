// A realistic installation for layout, accessibility and Lighthouse checks: 156 runs in three
// projects, names up to 190 characters, flagged runs, NaN losses, stalled runs, a long run, and
// well over a hundred open alerts. Posted through the API the way trainers would.
import { spawnSync } from 'node:child_process';
import { data, mutate } from '../helpers/trpc-http';
import { ROOT, type TestServer } from '../helpers/server';
import { COQUI_SCHEDULE, coquiPoints, createRun, logPoints, MULTISTEP, multistepPoints } from './seed';

export const SCALE_RUNS = 156;
export const PROJECTS = ['default', 'vision-transformers-imagenet', 'speech-xtts'] as const;

function projectKey(server: TestServer, project: string): string {
  const r = spawnSync(process.execPath, ['bin/lrscope.js', 'keys', 'create', '--project', project], { cwd: ROOT, env: { ...process.env, DATABASE_URL: server.databaseUrl }, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`keys create failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** A run name as sweeps write them: every hyper-parameter in it, up to 190 characters. */
export function sweepName(i: number): string {
  const base = `sweep-${i}-vit-large-patch16-224-in22k-ft-in1k-lr${(1 + (i % 9)) * 1e-4}-wd0.05-warmup${1000 * (1 + (i % 5))}-cosine-bs${256 << i % 3}-ema0.9999-mixup0.8-cutmix1.0-drop-path0.1-layer-decay0.75-seed${i}-`;
  const length = i % 5 === 0 ? 190 : 24 + ((i * 37) % 120);
  return (base + 'x'.repeat(200)).slice(0, length);
}

export interface ScaleSeed {
  /** The run with the longest name (190 characters), flagged. */
  longFlagged: number;
  /** A run whose loss turns NaN at step 8,400. */
  nanRun: number;
  /** Every run whose loss turns NaN (each has an open alert for it). */
  nanRuns: number[];
  /** A run with 50,000 points. */
  bigRun: number;
  /** Ten runs for the compare page. */
  compare: number[];
  runIds: number[];
}

export async function seedScale(server: TestServer): Promise<ScaleSeed> {
  const keys = [server.apiKey, ...PROJECTS.slice(1).map((p) => projectKey(server, p))];
  // A short stall timeout so some runs are stalled by the time the pages are looked at.
  data(await mutate(server.url, 'alerts.setRules', { project: PROJECTS[2], stallSeconds: 10 }, keys[2]));
  const runIds: number[] = [];
  let longFlagged = 0;
  const nanRuns: number[] = [];
  for (let i = 0; i < SCALE_RUNS; i++) {
    const p = i % 3;
    const key = keys[p];
    const project = PROJECTS[p];
    const name = sweepName(i);
    const kind = i % 4; // 0 flagged (Coqui story), 1 OK, 2 NaN loss, 3 no schedule
    if (kind === 0) {
      const id = await createRun(server.url, key, { name, project, schedule: COQUI_SCHEDULE, tags: ['tts', `sweep-${i % 7}`] });
      await logPoints(server.url, key, id, coquiPoints(0, 12_000, 100));
      if (name.length === 190 && !longFlagged) longFlagged = id;
      runIds.push(id);
    } else if (kind === 1) {
      const id = await createRun(server.url, key, { name, project, schedule: MULTISTEP, stepsPerEpoch: 500, tags: ['baseline'] });
      await logPoints(server.url, key, id, multistepPoints(0, 12_000, 500, 100, 1 + (i % 5) / 10));
      runIds.push(id);
    } else if (kind === 2) {
      const id = await createRun(server.url, key, { name, project, schedule: MULTISTEP, stepsPerEpoch: 500 });
      await logPoints(server.url, key, id, multistepPoints(0, 10_000, 500, 100).map((pt) => (pt.step >= 8400 ? { ...pt, loss: 'NaN' } : pt)));
      nanRuns.push(id);
      runIds.push(id);
    } else {
      const id = await createRun(server.url, key, { name, project });
      await logPoints(server.url, key, id, multistepPoints(0, 3000, 500, 100).map(({ metrics: _m, ...pt }) => ({ ...pt, lr: 2e-5 })));
      runIds.push(id);
    }
  }
  const bigRun = await createRun(server.url, server.apiKey, { name: 'xtts-v2-coqui-stepwise-50k-points', schedule: COQUI_SCHEDULE, config: { scheduler_after_epoch: true } });
  await logPoints(server.url, server.apiKey, bigRun, coquiPoints(0, 50_000, 1));
  runIds.push(bigRun);
  return { longFlagged, nanRun: nanRuns[0], nanRuns, bigRun, compare: runIds.filter((_, i) => i % 4 === 1).slice(0, 10), runIds };
}
