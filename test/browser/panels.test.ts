// Every stage panel in Chromium with seeded sample data: each one draws its charts (Chart.js, loaded on demand) and
// typesets its math (KaTeX, on demand), is keyboard operable, and leaves a screenshot in test-results/panels/.
import { beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from './build-app.ts';
import { serveLab } from './served-lab.ts';

const SHOTS = join(PROJECT_ROOT, 'test-results', 'panels');
const PANELS = ['knowledge-map-panel', 'probe-panel', 'sampling-panel', 'pairs-panel', 'training-panel', 'evaluation-panel', 'compare-panel'];

let page: Page;
const lab = serveLab({ pages: ['test/browser/gallery/index.html'], shots: SHOTS });

beforeAll(async () => {
  page = await lab.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${lab.server.origin}/test/browser/gallery/`);
});

describe('the stage panels with sample data', () => {
  test.each(PANELS)('%s draws its charts and explains itself', async (tag) => {
    const panel = page.locator(tag);
    await expect.poll(() => panel.getAttribute('filled')).toBe('');
    const charts = panel.locator('lab-chart');
    const count = await charts.count();
    for (let i = 0; i < count; i++) await expect.poll(() => charts.nth(i).getAttribute('drawn'), { timeout: 20_000 }).toBe('');
    // each chart's canvas has pixels that are not background
    for (let i = 0; i < count; i++) {
      const inked = await charts.nth(i).evaluate((el) => {
        const canvas = el.shadowRoot!.querySelector('canvas')!;
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let p = 0; p < data.length; p += 4) if (data[p + 3] > 0 && (data[p] < 200 || data[p + 1] < 200 || data[p + 2] < 200)) n++;
        return n;
      });
      expect(inked, `${tag} chart ${i}`).toBeGreaterThan(500);
    }
    const explain = await panel.locator('p.explain').textContent();
    expect(explain!.split(/[.!?](\s|$)/).filter((s) => s.trim().length > 20).length).toBeGreaterThanOrEqual(2);
    await panel.screenshot({ path: join(SHOTS, `${tag}.png`) });
  });

  test('pairs show chosen and rejected with verdicts, extracted answers typeset by KaTeX', async () => {
    const pair = page.locator('pairs-panel article.pair').first();
    await expect.poll(() => pair.locator('judged-answer').count()).toBe(2);
    expect(await pair.locator('judged-answer .verdict').first().textContent()).toContain('✓ right');
    expect(await pair.locator('judged-answer .verdict').nth(1).textContent()).toContain('✗ wrong');
    await expect.poll(() => pair.locator('.katex').count()).toBeGreaterThan(2);
    // KaTeX's fonts are in use (its @font-face rules reached the document)
    await expect.poll(() => page.evaluate(() => [...document.fonts].some((f) => f.family.includes('KaTeX') && f.status === 'loaded'))).toBe(true);
  });

  test('the knowledge map is keyboard operable: arrow keys show a problem with its tags and difficulty', async () => {
    const canvas = page.locator('knowledge-map-panel lab-chart canvas');
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    const tooltip = await page.locator('knowledge-map-panel lab-chart').evaluate((el) => {
      const chart = (el as unknown as { chart: { tooltip: { opacity: number; body: { lines: string[] }[] } } }).chart;
      return { opacity: chart.tooltip.opacity, lines: chart.tooltip.body.flatMap((b) => b.lines) };
    });
    expect(tooltip.opacity).toBe(1);
    expect(tooltip.lines.join('\n')).toMatch(/tags: .+\n.*difficulty: \d\.\d\d/);
    await page.locator('knowledge-map-panel').screenshot({ path: join(SHOTS, 'knowledge-map-hover.png') });
  });
});
