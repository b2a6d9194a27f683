// The dashboard at real scale (156 runs, names of 190 characters, three projects, NaN losses,
// stalled runs, over a hundred open alerts) in headless Chromium: no page scrolls sideways at
// 1440×900 or on a 390 px phone and the verdict stays in view, axe-core finds nothing critical
// or serious in either theme, the run's health shows where people look, sort and paging cover
// every run, and each view's state is in its URL with a history Back can walk.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server';
import { seriousViolations } from './axe';
import { closePages, openPages, screenshot } from './browser';
import { type ScaleSeed, SCALE_RUNS, seedScale } from './seed-scale';

let server: TestServer;
let browser: Browser;
let page: Page;
let seed: ScaleSeed;
const errors: string[] = [];

beforeAll(async () => {
  ({ server, browser, page } = await openPages(errors));
  seed = await seedScale(server);
}, 300_000);

afterAll(() => closePages({ server, browser }));

function pages(): [string, string][] {
  return [
    ['runs', '/'],
    ['alerts', '/alerts'],
    ['alert settings', '/alerts/settings'],
    ['run with a 190-character name', `/runs/${seed.longFlagged}`],
    ['run with a NaN loss', `/runs/${seed.nanRun}`],
    ['compare', `/compare?runs=${seed.compare.join(',')}`],
    ['preview', '/preview'],
  ];
}

/** Elements whose right edge is past the viewport, outside anything that scrolls on purpose. */
async function overflow(p: Page) {
  return p.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')].filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1 && !e.closest('pre, .table-wrap > table');
    });
    return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5).map((e) => `${e.tagName}.${e.className}`) };
  });
}

async function settle(p: Page, path: string) {
  await p.goto(`${server.url}${path}`);
  await p.locator('h1').first().waitFor();
  await p.waitForLoadState('networkidle').catch(() => {});
  await p.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
}

describe('layout at scale', () => {
  for (const [width, height, tag] of [
    [1440, 900, 'desktop'],
    [390, 844, 'phone'],
  ] as const) {
    it(`no page is wider than a ${width} px window; the verdict is in view (${tag})`, async () => {
      const p = await browser.newPage({ viewport: { width, height } });
      p.on('pageerror', (e) => errors.push(e.message));
      try {
        for (const [name, path] of pages()) {
          await settle(p, path);
          const o = await overflow(p);
          expect(o, name).toEqual({ scrollWidth: width, width, wide: [] });
        }
        // The first row by name and the 190-character name's row both show their verdict.
        const verdictInView = async (row: ReturnType<Page['locator']>) => {
          await row.scrollIntoViewIfNeeded();
          const box = (await row.getByTestId('verdict-cell').boundingBox())!;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width).toBeLessThanOrEqual(width);
        };
        await settle(p, '/?sort=name');
        await verdictInView(p.locator('[data-testid^="run-row-"]').first());
        await settle(p, '/?q=sweep-0-');
        await verdictInView(p.getByTestId(`run-row-${seed.longFlagged}`));
        await settle(p, `/runs/${seed.longFlagged}`);
        const badge = (await p.getByTestId('run-badges').getByTestId('verdict-badge').boundingBox())!;
        expect(badge.y + badge.height, 'the verdict is on the first screen').toBeLessThanOrEqual(height);
        await screenshot(p, `scale-run-long-${tag}`);
        await settle(p, '/');
        await screenshot(p, `scale-runs-${tag}`, { readme: tag === 'desktop', fullPage: false });
      } finally {
        await p.close();
      }
      expect(errors).toEqual([]);
    });
  }
});

describe('accessibility', () => {
  // The phone pass sees the tables as cards (touch targets, cards drawn only when scrolled to).
  for (const [scheme, form, viewport] of [
    ['light', 'desktop', { width: 1440, height: 900 }],
    ['dark', 'desktop', { width: 1440, height: 900 }],
    ['light', 'phone', { width: 412, height: 823 }],
  ] as const) {
    it(`axe-core: no critical or serious violation on any page (${scheme} theme, ${form})`, async () => {
      const p = await browser.newPage({ viewport, colorScheme: scheme, isMobile: form === 'phone', hasTouch: form === 'phone' });
      try {
        const found: Record<string, unknown> = {};
        for (const [name, path] of [...pages(), ['not found', '/runs/99999'] as [string, string]]) {
          await settle(p, path);
          expect(await p.evaluate(() => getComputedStyle(document.body).backgroundColor), name).toBe(scheme === 'dark' ? 'rgb(13, 17, 23)' : 'rgb(247, 248, 250)');
          const v = await seriousViolations(p);
          if (v.length) found[name] = v;
        }
        expect(found).toEqual({});
      } finally {
        await p.close();
      }
    });
  }

  it('the theme toggle overrides the system and is remembered', async () => {
    const p = await browser.newPage({ viewport: { width: 1000, height: 800 }, colorScheme: 'light' });
    try {
      await settle(p, '/alerts');
      await p.getByTestId('theme-toggle').click();
      expect(await p.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await settle(p, '/');
      expect(await p.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(13, 17, 23)');
      expect(await p.getByTestId('theme-toggle').getAttribute('aria-pressed')).toBe('true');
      await screenshot(p, 'scale-runs-dark');
      // Back to what the system gives: following the system again.
      await p.getByTestId('theme-toggle').click();
      expect(await p.evaluate(() => [document.documentElement.dataset.theme ?? null, localStorage.getItem('lrscope-theme')])).toEqual([null, null]);
    } finally {
      await p.close();
    }
  });
});

describe('runs, alerts and run pages at scale', () => {
  it('sorts and pages on the server over every run; the first click on Verdict puts flagged runs first; Back walks the sorts', async () => {
    await settle(page, '/');
    const rows = page.locator('[data-testid^="run-row-"]');
    await expect.poll(() => rows.count()).toBe(100);
    await page.getByRole('button', { name: /Load 100 more/ }).click();
    await expect.poll(() => rows.count()).toBe(SCALE_RUNS + 1);

    await page.getByTestId('sort-verdict').click();
    await expect.poll(() => page.url()).toContain('sort=verdict');
    await expect.poll(() => rows.first().getByTestId('verdict-badge').getAttribute('data-kind')).toBe('flagged');
    const flagged = await page.locator('[data-testid="verdict-badge"][data-kind="flagged"]').count();
    const kinds = await page.locator('[data-testid="verdict-cell"] [data-testid="verdict-badge"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds.slice(0, flagged).every((k) => k === 'flagged')).toBe(true);

    await page.getByTestId('sort-lastStep').click();
    await expect.poll(() => page.url()).toContain('sort=lastStep');
    await page.goBack();
    await expect.poll(() => page.url()).toMatch(/sort=verdict$/);
    await page.goBack();
    await expect.poll(() => page.url()).toBe(`${server.url}/`);
  });

  it('filters projects by a substring as you type, and Back undoes the filter', async () => {
    await settle(page, '/');
    await page.getByLabel('Project', { exact: true }).fill('vision');
    await expect.poll(() => page.url()).toContain('project=vision');
    await expect.poll(async () => new Set(await page.locator('[data-testid^="run-row-"] td:nth-child(3)').allTextContents())).toEqual(new Set(['vision-transformers-imagenet']));
    await page.goBack();
    await expect.poll(() => page.url()).toBe(`${server.url}/`);
    await expect.poll(() => page.getByLabel('Project', { exact: true }).inputValue()).toBe('');
  });

  it('shows a NaN loss as the run’s health in the table, the header and the charts, from the step it started', async () => {
    await settle(page, `/?q=${encodeURIComponent('sweep-2-')}`);
    const row = page.getByTestId(`run-row-${seed.nanRun}`);
    await expect.poll(() => row.getByTestId('health-badge').textContent()).toMatch(/^Loss NaN\/Inf since step 8,400/);
    await settle(page, `/runs/${seed.nanRun}`);
    await expect.poll(() => page.getByTestId('run-badges').getByTestId('health-badge').textContent()).toMatch(/^Loss NaN\/Inf since step 8,400/);
    expect(await page.getByTestId('stat-loss').textContent()).toBe('NaN or ∞');
    await expect.poll(() => page.title()).toContain('sweep-2-vit-large');
    await page.getByTestId('loss-chart').waitFor();
  });

  it('keeps the run page’s view in the URL: x axis, log scale and zoom, with Back undoing each', async () => {
    await settle(page, `/runs/${seed.bigRun}`);
    await page.getByTestId('lr-chart').waitFor();
    await page.getByTestId('log-scale').click();
    await expect.poll(() => page.url()).toContain('log=1');
    const chart = page.getByTestId('lr-chart');
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.url()).toMatch(/from=\d+&to=\d+/);
    const zoomed = new URL(page.url()).searchParams;
    expect(Number(zoomed.get('to')) - Number(zoomed.get('from'))).toBeLessThan(20_000);
    await page.reload();
    await page.getByTestId('lr-chart').waitFor();
    expect(await page.getByTestId('reset-zoom').isEnabled(), 'a shared zoomed link opens zoomed').toBe(true);
    await page.goBack();
    await expect.poll(() => page.url()).toMatch(/\?log=1$/);
    await page.goBack();
    await expect.poll(() => page.url()).toBe(`${server.url}/runs/${seed.bigRun}`);
    await expect.poll(() => page.title()).toBe('xtts-v2-coqui-stepwise-50k-points · Run · lrscope');
  });

  it('answers 404 for a run that does not exist', async () => {
    const res = await page.goto(`${server.url}/runs/99999`);
    expect(res?.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Not found');
  });

  it('says which runs past ten the compare page leaves out, and resets a zoom', async () => {
    const eleven = seed.runIds.slice(0, 11);
    await settle(page, `/compare?runs=${eleven.join(',')}`);
    await expect.poll(() => page.getByTestId('compare-dropped').textContent()).toContain(`run ${eleven[10]}`);
    await page.getByTestId('compare-lr-chart').waitFor();
    expect(await page.getByTestId('compare-reset-zoom').isDisabled()).toBe(true);
    const box = (await page.getByTestId('compare-lr-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('compare-reset-zoom').isEnabled()).toBe(true);
    await page.getByTestId('compare-reset-zoom').click();
    await expect.poll(() => page.getByTestId('compare-reset-zoom').isDisabled()).toBe(true);
  });

  it('groups alerts by kind with exact counts, filters them, and acknowledges all that match at once', async () => {
    await settle(page, '/alerts');
    await page.getByTestId('open-count').waitFor();
    const open = Number((await page.getByTestId('open-count').textContent())!.replace(/\D/g, ''));
    expect(open).toBeGreaterThan(100);
    await expect.poll(() => page.getByTestId('alerts-badge').textContent()).toBe(open.toLocaleString('en-US'));
    await page.getByLabel('Kind').selectOption('nonfinite_loss');
    await expect.poll(() => page.url()).toContain('kind=nonfinite_loss');
    await expect.poll(() => page.locator('details[data-testid^="alert-group-"]').count()).toBe(1);
    const nan = Number((await page.getByTestId('open-count').textContent())!.replace(/\D/g, ''));
    expect(nan).toBe(seed.nanRuns.length);
    await screenshot(page, 'scale-alerts');
    await page.getByTestId('ack-all').click();
    await expect.poll(() => page.getByTestId('open-count').textContent()).toBe('0 open');
    await expect.poll(() => page.getByTestId('alerts-badge').textContent()).toBe((open - nan).toLocaleString('en-US'));
    await page.goBack();
    await expect.poll(() => page.url()).toBe(`${server.url}/alerts`);
    expect(errors).toEqual([]);
  });
});
