// A GPU device lost during a run, in Chromium on SwiftShader: the loop worker's device is destroyed mid-stage (the
// worker's loseDevice() diagnostic, as a driver reset would), the page shows the lost-device screen with the saved
// stages kept, and "Resume the run" goes on from them on a new device until the next stage is saved. The model is a
// folder picked from disk (local:tiny-random), so the loop worker reads it from IndexedDB, at the start and again on
// resuming: the server never sends it.
// Screenshot: test-results/run/device-lost.png.
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from './build-app.ts';
import { serveLab } from './served-lab.ts';

const SHOTS = join(PROJECT_ROOT, 'test-results', 'run');
const RUN_TIMEOUT = 900_000;

const FOLDER = join(PROJECT_ROOT, 'public', 'models', 'tiny-random');

/** A small run: tiny-random saved in the browser, a few short answers. */
const SMALL = new URLSearchParams({
  'model.path': 'local:tiny-random',
  iterations: '1',
  'pool.count': '60',
  'heldOut.count': '8',
  'clusters.kMin': '2',
  'clusters.kMax': '4',
  'probe.minCount': '8',
  'probe.answers': '2',
  'probe.maxNewTokens': '16',
  'sampler.problems': '4',
  'pairs.answers': '2',
  'pairs.maxNewTokens': '16',
  'budget.mode': 'problems',
  'train.epochs': '1',
  'train.batchSize': '2',
  'train.microBatch': '2',
  'eval.maxNewTokens': '16',
}).toString();

const lab = serveLab({ shots: SHOTS });

/** Saved stage keys of the open run (the runs table's "stages saved"). */
async function savedStages(page: Page): Promise<number> {
  return Number((await page.locator('runs-panel tr[aria-current="true"] td').nth(2).textContent()) ?? '0');
}

/** Asks the loop worker to destroy its policy's device; false while no model is loaded. */
function loseDevice(page: Page): Promise<boolean> {
  return page.locator('sai-lab').evaluate((el) => (el as unknown as { remote: { loseDevice(): Promise<boolean> } }).remote.loseDevice());
}

describe('a lost GPU device during a run', () => {
  test('shows the lost-device screen, keeps the saved stages, and resumes from them', async () => {
    const page = await lab.browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${lab.server.origin}/?${SMALL}`);
    await expect.poll(() => page.locator('run-controls').count(), { timeout: 30_000 }).toBe(1);
    await page.getByLabel('Choose a model folder on this computer').setInputFiles(FOLDER);
    await expect.poll(() => page.locator('model-picker p[role="status"]').first().textContent(), { timeout: 60_000 }).toMatch(/Saved in this browser as local:tiny-random\./);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    // the policy is loaded when the probe starts (the stages before it need no model); lose its device then
    await expect.poll(() => loseDevice(page), { timeout: RUN_TIMEOUT, interval: 250 }).toBe(true);
    const runId = new URL(page.url()).searchParams.get('run');
    expect(runId).toBeTruthy();

    const failure = page.locator('#failure');
    await expect.poll(() => failure.count(), { timeout: RUN_TIMEOUT }).toBe(1);
    const text = (await failure.textContent())?.replace(/\s+/g, ' ').trim() ?? '';
    console.log(text);
    expect(await failure.getAttribute('data-kind'), text).toBe('device-lost');
    expect(text).toMatch(/^The GPU device was lost\. /);
    expect(text).toMatch(/WebGPU device lost: [^.]+\. Acquire a new device/); // the engine's DeviceLostError, told as a loss
    expect(text).toMatch(/Every stage saved before the loss is kept/);
    expect(await page.locator('run-controls').getAttribute('state')).toBe('failed');
    await expect.poll(() => savedStages(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(5); // config, pool, tags, embeddings, clusters
    const atLoss = await savedStages(page);
    const stages = await page.locator('sai-lab').evaluate((el) => JSON.stringify((el as unknown as { current: unknown }).current));
    console.log(`lost during ${stages} with ${atLoss} keys saved`);
    // the panels may still be redrawing below the notice on a busy machine: then the whole page instead
    await failure.screenshot({ path: join(SHOTS, 'device-lost.png'), animations: 'disabled', timeout: 60_000 })
      .catch(async (error) => {
        console.log(`element screenshot failed (${(error as Error).message.split('\n')[0]}); saving the whole page`);
        await page.screenshot({ path: join(SHOTS, 'device-lost.png') });
      });

    // resume: a new device, the same run, from the saved stages
    const resume = page.getByRole('button', { name: 'Resume the run' });
    await resume.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => {
      if ((await failure.count()) > 0) throw new Error(`the page shows a failure after resuming: ${await failure.textContent()}`);
      return savedStages(page);
    }, { timeout: RUN_TIMEOUT, interval: 500 }).toBeGreaterThan(atLoss);
    expect(new URL(page.url()).searchParams.get('run')).toBe(runId);
    console.log(`after resuming: ${await savedStages(page)} keys saved`);
    expect([...lab.server.downloads.keys()].filter((p) => p.startsWith('/models/tiny-random/'))).toEqual([]);
    await page.getByRole('button', { name: 'Stop', exact: true }).click().catch(() => {});
    await page.close();
  }, RUN_TIMEOUT + 120_000);
});
