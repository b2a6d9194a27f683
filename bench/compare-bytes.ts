// Bytes over the wire for the compare view of 10 runs × 1,000,000 points, as a browser loads it
// (1440 px wide, Accept-Encoding as Chromium sends it). Budget: ≤ 500 KB of data (compressed,
// no more points than the chart draws). Also prints what the same replies weigh uncompressed.
//   npx tsx bench/compare-bytes.ts [--runs 10] [--points 1000000]
import { ensureNextBuild } from '../test/helpers/next-build';
import { launchBrowser } from '../test/e2e/browser';
import { createRun, logPoints } from '../test/e2e/seed';
import { startServer } from '../test/helpers/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 10);
const POINTS = arg('points', 1_000_000);
const T0 = 1_764_000_000;

await ensureNextBuild();
const server = await startServer({ args: [], env: { LRSCOPE_RATE_LIMIT_RPS: '100000', LRSCOPE_RATE_LIMIT_POINTS: '1000000000' } });
const browser = await launchBrowser();
try {
  const t0 = performance.now();
  const ids: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const id = await createRun(server.url, server.apiKey, { name: `cmp-${r}`, schedule: { name: 'CosineAnnealingLR', params: { T_max: POINTS }, interval: 'step', baseLr: 3e-4 } });
    ids.push(id);
    // A realistic noisy loss and a cosine LR: values that do not compress to nothing.
    let seed = r + 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let from = 0; from < POINTS; from += 50_000) {
      const batch = [];
      for (let s = from; s < Math.min(POINTS, from + 50_000); s++) {
        batch.push({ step: s, epoch: Math.floor(s / 5000), lr: 1.5e-4 * (1 + Math.cos((Math.PI * s) / POINTS)), loss: 3 / Math.sqrt(1 + s / 500) + 0.1 * rand(), time: T0 + s * 0.3 });
      }
      await logPoints(server.url, server.apiKey, id, batch);
    }
  }
  console.log(`seeded ${RUNS} runs × ${POINTS.toLocaleString('en-US')} points in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const api: { url: string; encoded: number; decoded: number }[] = [];
  let other = 0;
  page.on('requestfinished', async (req) => {
    const sizes = await req.sizes();
    const res = await req.response();
    if (!res) return;
    const wire = sizes.responseBodySize + sizes.responseHeadersSize;
    if (req.url().includes('/api/trpc/') && !req.url().includes('live.')) api.push({ url: req.url(), encoded: wire, decoded: (await res.body()).length });
    else if (!req.url().includes('/api/trpc/')) other += wire;
  });
  await page.goto(`${server.url}/compare?runs=${ids.join(',')}`);
  await page.getByTestId('compare-loss-chart').waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  const points = Number(await page.getByTestId('compare-lr-chart').getAttribute('data-points')) + Number(await page.getByTestId('compare-loss-chart').getAttribute('data-points'));
  const data = api.reduce((n, r) => n + r.encoded, 0);
  const raw = api.reduce((n, r) => n + r.decoded, 0);
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
  console.log(`compare view, ${RUNS} runs × ${POINTS.toLocaleString('en-US')} points, 1440 px wide`);
  console.log(`  API data over the wire   ${kb(data)}  (${api.length} replies; ${kb(raw)} uncompressed, ${(raw / data).toFixed(1)}× smaller)`);
  console.log(`  points drawn             ${points.toLocaleString('en-US')}`);
  console.log(`  page assets (JS, CSS)    ${kb(other)}  (cached after the first visit)`);
  console.log(`budget ≤ 500 KB of data   ${data <= 500 * 1024 ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
  await server.stop();
}
