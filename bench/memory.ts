// Server memory with 100 live runs (docs/architecture.md budget: ≤ 400 MB RSS): the production server with
// its pages, 100 runs each posting a batch of 100 points every ~250 ms (step schedules, a third
// of them flagged), the runs table's live feed and 20 run pages' live feeds open. Samples the
// server process's resident set from /proc while it works.
//   npx tsx bench/memory.ts [--runs 100] [--seconds 60]
//   LRSCOPE_HEAP_MB=512 npx tsx bench/memory.ts   (another heap cap than npm start's default)
// The server runs with the node flags of `npm start` (package.json), as every test server does.
import { readFileSync } from 'node:fs';
import { ensureNextBuild } from '../test/helpers/next-build';
import { openFeed, startServer } from '../test/helpers/server';
import { data, mutate, query } from '../test/helpers/trpc-http';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 100);
const SECONDS = arg('seconds', 60);
const BATCH = 100;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

await ensureNextBuild();
// One project key for all 100 trainers, as a team would share it: 400 requests/s is above the
// default per-key limit of 200, so the bench raises it.
const server = await startServer({ args: [], env: { LRSCOPE_RATE_LIMIT_RPS: '2000' } });
try {
  const coqui = { name: 'StepwiseGradualLR', params: { gradual_learning_rates: [[0, 5e-4], [2000, 4e-4], [4000, 3e-4]] }, interval: 'step' };
  const cosine = { name: 'CosineAnnealingLR', params: { T_max: 50_000 }, interval: 'step', baseLr: 0.1 };
  const ids: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    ids.push(data<{ id: number }>(await mutate(server.url, 'runs.create', { name: `live-${r}`, schedule: r % 3 === 0 ? coqui : cosine }, server.apiKey)).id);
  }
  const idle = rssMb(server.pid);
  const feeds = [openFeed(server.url, 'live.runs', {}), ...ids.slice(0, 20).map((runId) => openFeed(server.url, 'live.run', { runId }))];
  let peak = idle;
  const samples: number[] = [];
  const sampler = setInterval(() => {
    const mb = rssMb(server.pid);
    samples.push(mb);
    peak = Math.max(peak, mb);
  }, 500);
  const deadline = Date.now() + SECONDS * 1000;
  let posted = 0;
  await Promise.all(
    ids.map(async (runId, r) => {
      for (let step = 0; Date.now() < deadline; step += BATCH) {
        const points = Array.from({ length: BATCH }, (_, i) => {
          const s = step + i;
          return { step: s, lr: r % 3 === 0 ? 5e-4 : 0.05 * (1 + Math.cos((Math.PI * s) / 50_000)), loss: 2 / Math.sqrt(1 + s / 100), metrics: { accuracy: 1 - 1 / Math.sqrt(2 + s) } };
        });
        data(await mutate(server.url, 'runs.log', { runId, points }, server.apiKey));
        posted += BATCH;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }),
  );
  clearInterval(sampler);
  await Promise.all(feeds.map((f) => f.close()));
  samples.sort((a, b) => a - b);
  const flagged = data<{ runs: { verdict: { flagged: boolean } }[] }>(await query(server.url, 'runs.list', { limit: 200 })).runs.filter((r) => r.verdict.flagged).length;
  console.log(`runs                      ${RUNS} live for ${SECONDS} s, ${posted.toLocaleString('en-US')} points posted, ${feeds.length} live feeds open, ${flagged} runs flagged`);
  console.log(`server RSS                idle ${idle.toFixed(0)} MB, median ${samples[Math.floor(samples.length / 2)].toFixed(0)} MB, peak ${peak.toFixed(0)} MB`);
  console.log(`budget ≤ 400 MB           ${peak <= 400 ? 'met' : 'MISSED'}`);
} finally {
  await server.stop();
}
