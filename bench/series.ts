// Chart data for one long run: runs.series on a 1,000,000-point run must take ≤ 50 ms of server
// time and send ≤ 2,000 points (docs/architecture.md, budgets). Points go in through the store's logPoints
// (the ingest path, which keeps the chart pyramid); series are read through getSeries, the
// service runs.series calls, timed in-process (server time, no HTTP).
// With --optimizers, the run has two optimizers (gen, disc) and their series are timed too.
//   npx tsx bench/series.ts [--points 1000000] [--provider sqlite|postgres] [--optimizers]
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/server/db/open-database';
import { withOptimizerSeries } from '../src/lib/optimizers/optimizer-points';
import { getSeries } from '../src/server/runs/get-series';
import { createTempPostgresDatabase } from '../test/helpers/postgres';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const TOTAL = Number(arg('points', '1000000'));
const provider = arg('provider', 'sqlite') as 'sqlite' | 'postgres';
const BATCH = 10_000;
const OPTIMIZERS = process.argv.includes('--optimizers');

const pg = provider === 'postgres' ? await createTempPostgresDatabase() : null;
const sqlitePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-bench-series-')), 'series.db');
const db = await openDatabase(pg ? { provider, databaseUrl: pg.url } : { provider, databaseUrl: `file:${sqlitePath}`, sqlitePath });
try {
  const project = await db.prisma.project.create({ data: { name: 'bench' } });
  const schedule = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [10_000, 4e-4], [20_000, 3e-4]] }, interval: 'step' };
  const optimizers = OPTIMIZERS ? [{ name: 'gen', schedule }, { name: 'disc', schedule: { name: 'ExponentialLR', params: { gamma: 0.999999 }, interval: 'step', baseLr: 1e-3 } }] : undefined;
  const run = await db.prisma.run.create({ data: { projectId: project.id, name: 'long', schedule, optimizers } });
  const t0 = performance.now();
  for (let s = 0; s < TOTAL; s += BATCH) {
    const points = Array.from({ length: Math.min(BATCH, TOTAL - s) }, (_, i) => {
      const step = s + i;
      // A one-step spike every 100,003 steps: it must survive bucketing.
      const lr = step % 100_003 === 77 ? 1e-2 : 5e-4;
      const point = { step, epoch: step / 1000, lr, loss: 2 / Math.sqrt(step + 1), time: 1.7e9 + step * 0.05, metrics: { acc: step / TOTAL } };
      return OPTIMIZERS ? { ...point, optimizers: { gen: { lr }, disc: { lr: step % 100_003 === 77 ? 1e-2 : 1e-3 * 0.999999 ** step } } } : point;
    });
    // As runs.log stores them: each optimizer's LR also as its series lr:<name>.
    await db.points.logPoints(run.id, withOptimizerSeries(points), new Date());
  }
  console.log(`stored ${TOTAL.toLocaleString('en-US')} points (${provider}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const time = async (label: string, input: Parameters<typeof getSeries>[1]) => {
    await getSeries(db, input); // warm-up
    const ms: number[] = [];
    let n = 0;
    let spikes = 0;
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const r = await getSeries(db, input);
      ms.push(performance.now() - t);
      n = r.points.length;
      spikes = r.points.filter((p) => p.max === 1e-2).length;
    }
    ms.sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)];
    const p95 = ms[Math.ceil(ms.length * 0.95) - 1];
    const ok = p95 <= 50 && n <= 2000;
    console.log(`${label.padEnd(34)} ${String(n).padStart(5)} points  median ${median.toFixed(1).padStart(5)} ms  p95 ${p95.toFixed(1).padStart(5)} ms${input.metric === 'lr' || input.metric.startsWith('lr:') ? `  spikes kept ${spikes}` : ''}  ${ok ? 'met' : 'MISSED'}`);
  };
  await time('lr, whole run', { runId: run.id, metric: 'lr' });
  await time('loss, whole run', { runId: run.id, metric: 'loss' });
  await time('expected_lr, whole run', { runId: run.id, metric: 'expected_lr' });
  await time('metric acc, whole run', { runId: run.id, metric: 'acc' });
  await time('epoch (x axis), whole run', { runId: run.id, metric: 'epoch' });
  await time('lr, zoomed to 300k steps', { runId: run.id, metric: 'lr', fromStep: 350_123, toStep: 650_123 });
  await time('lr, zoomed to 120k steps', { runId: run.id, metric: 'lr', fromStep: 400_001, toStep: 520_000 });
  await time('lr, zoomed to 20k steps (raw)', { runId: run.id, metric: 'lr', fromStep: 500_000, toStep: 520_000 });
  if (OPTIMIZERS) {
    await time('lr:disc, whole run', { runId: run.id, metric: 'lr:disc' });
    await time('expected_lr:disc, whole run', { runId: run.id, metric: 'expected_lr:disc' });
    await time('lr:disc, zoomed to 120k steps', { runId: run.id, metric: 'lr:disc', fromStep: 400_001, toStep: 520_000 });
    await time('lr:disc, zoomed to 20k steps (raw)', { runId: run.id, metric: 'lr:disc', fromStep: 500_000, toStep: 520_000 });
  }
  console.log('budget: ≤ 50 ms server time and ≤ 2,000 points per view');
} finally {
  await db.close();
  await pg?.drop();
}
