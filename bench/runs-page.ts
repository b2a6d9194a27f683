// Runs page first load with 1,000 runs: navigation start → the table's rows on screen, in
// headless Chromium against the production server. Budget (docs/architecture.md): ≤ 1 s.
//   npx tsx bench/runs-page.ts [--runs 1000] [--loads 7]
import { ensureNextBuild } from '../test/helpers/next-build';
import { launchBrowser } from '../test/e2e/browser';
import { COQUI_SCHEDULE, coquiPoints, createRun, logPoints, MULTISTEP, multistepPoints } from '../test/e2e/seed';
import { startServer } from '../test/helpers/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 1000);
const LOADS = arg('loads', 7);

await ensureNextBuild();
// Seeding 1,000 runs quickly is not what the per-key rate limit is for.
const server = await startServer({ args: [], env: { LRSCOPE_RATE_LIMIT_RPS: '100000', LRSCOPE_RATE_LIMIT_POINTS: '100000000' } });
const browser = await launchBrowser();
try {
  const t0 = performance.now();
  let made = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (made < RUNS) {
        const i = made++;
        const coqui = i % 5 === 0;
        const id = await createRun(server.url, server.apiKey, { name: `run-${String(i).padStart(4, '0')}`, schedule: coqui ? COQUI_SCHEDULE : MULTISTEP, stepsPerEpoch: coqui ? undefined : 100, tags: [coqui ? 'tts' : 'vision', `batch-${i % 7}`] });
        await logPoints(server.url, server.apiKey, id, coqui ? coquiPoints(0, 11_000, 100) : multistepPoints(0, 3000, 100, 50));
      }
    }),
  );
  console.log(`seeded ${RUNS} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const times: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    // A fresh context each time: no cache, a first load.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`, { waitUntil: 'commit' });
    await page.locator('[data-testid^="run-row-"]').nth(49).waitFor({ timeout: 10_000 });
    times.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  times.sort((a, b) => a - b);
  console.log(`runs page first load       median ${times[Math.floor(times.length / 2)].toFixed(0)} ms  max ${times[times.length - 1].toFixed(0)} ms  (${LOADS} cold loads, navigation start → rows shown)`);
  console.log(`budget ≤ 1,000 ms          ${times[times.length - 1] <= 1000 ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
  await server.stop();
}
