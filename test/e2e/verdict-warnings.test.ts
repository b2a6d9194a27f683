// A correct run whose LR is not exactly the spec's (scaled by world size, a few optimizer steps
// skipped by mixed precision) is not flagged, and its run page says what was tolerated.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { closePages, openPages } from './browser';
import { createRun, logPoints } from './seed';

let server: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openPages(errors));
});

afterAll(() => closePages({ server, browser }));

it('lists the tolerated departures under an OK verdict', async () => {
  const schedule = { name: 'CosineAnnealingLR', params: { T_max: 2000 }, interval: 'step', baseLr: 0.1 };
  const id = await createRun(server.url, server.apiKey, { name: 'ddp-fp16-cosine', schedule });
  // Four GPUs (LR × 4); GradScaler skipped 5 optimizer steps at the start, so the scheduler runs 5 ahead.
  const points = Array.from({ length: 1000 }, (_, step) => ({ step, lr: 4 * (0.05 * (1 + Math.cos((Math.PI * (step + 5)) / 2000))), schedulerStep: step + 5 }));
  await logPoints(server.url, server.apiKey, id, points);
  await page.goto(`${server.url}/runs/${id}`);
  await page.getByTestId('verdict-warnings').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('verdict-badge').first().textContent()).toBe('OK');
  const warnings = (await page.getByTestId('verdict-warnings').textContent()) ?? '';
  expect(warnings).toMatch(/^Tolerated, but worth knowing/);
  expect(warnings).toContain('4× what the schedule gives for baseLr 0.1');
  expect(warnings).toContain('5 steps ahead of the optimizer');
  expect(errors).toEqual([]);
});
