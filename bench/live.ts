// Post → visible: a run page is open in headless Chromium; the page itself posts a batch to
// runs.log and times until the new step is drawn in its chart (same clock, measured in the
// browser). Budget (docs/architecture.md): p95 ≤ 500 ms.
//   npx tsx bench/live.ts [--posts 60] [--batch 100]
import { ensureNextBuild } from '../test/helpers/next-build';
import { launchBrowser } from '../test/e2e/browser';
import { COQUI_SCHEDULE, coquiPoints, createRun, logPoints } from '../test/e2e/seed';
import { startServer } from '../test/helpers/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const POSTS = arg('posts', 60);
const BATCH = arg('batch', 100);

await ensureNextBuild();
const server = await startServer({ args: [] });
const browser = await launchBrowser();
try {
  const runId = await createRun(server.url, server.apiKey, { name: 'bench-live', schedule: COQUI_SCHEDULE });
  await logPoints(server.url, server.apiKey, runId, coquiPoints(0, 20_000, 1));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/runs/${runId}`);
  await page.getByTestId('lr-chart').waitFor();
  let next = 20_000;
  const ms: number[] = [];
  for (let i = 0; i < POSTS; i++) {
    const points = coquiPoints(next, next + BATCH, 1);
    next += BATCH;
    const last = String(next - 1);
    // A string, not a function: tsx's name helpers do not exist in the page.
    const elapsed = (await page.evaluate(`(async () => {
      const last = ${JSON.stringify(last)};
      const shown = () => document.querySelector('[data-testid="lr-last-step"]')?.textContent === last;
      const t0 = performance.now();
      const seen = new Promise((resolve) => {
        const obs = new MutationObserver(() => {
          if (shown()) {
            obs.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0));
          }
        });
        obs.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      const res = await fetch('/api/trpc/runs.log', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ${server.apiKey}' }, body: ${JSON.stringify(JSON.stringify({ runId, points }))} });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return seen;
    })()`)) as number;
    ms.push(elapsed);
    await page.waitForTimeout(100 + Math.random() * 200);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(ms.length * p) - 1)];
  console.log(`posts                      ${POSTS} batches of ${BATCH} points onto a 20,000-point run, page open`);
  console.log(`post → visible (browser)   median ${q(0.5).toFixed(0)} ms  p95 ${q(0.95).toFixed(0)} ms  max ${ms[ms.length - 1].toFixed(0)} ms`);
  console.log(`budget p95 ≤ 500 ms        ${q(0.95) <= 500 ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
  await server.stop();
}
