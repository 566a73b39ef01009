// A model folder from this computer, in Chromium on SwiftShader: picked in the set-up's model picker (the folder
// input, as a user picks public/models/tiny-random), checked from its config.json (the size text), saved in
// IndexedDB as local:tiny-random and named in the experiment's URL; loose files without a tokenizer are refused,
// naming it; then the playground's policy worker loads local:tiny-random from IndexedDB (the server never sends its
// files) and generates. Screenshot: test-results/lab/local-folder.png.
import { describe, expect, test } from 'vitest';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from './build-app.ts';
import { serveLab } from './served-lab.ts';

const SHOTS = join(PROJECT_ROOT, 'test-results', 'lab');
const FOLDER = join(PROJECT_ROOT, 'public', 'models', 'tiny-random');
const TIMEOUT = 60_000;

const lab = serveLab({ shots: SHOTS });

async function openLab(query = ''): Promise<Page> {
  const page = await lab.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${lab.server.origin}/${query}`);
  await expect.poll(() => page.locator('model-picker').count(), { timeout: 30_000 }).toBe(1);
  return page;
}

/** GET requests the server saw for tiny-random's files. */
const servedTinyRandom = () => [...lab.server.downloads.keys()].filter((p) => p.startsWith('/models/tiny-random/'));

describe('a model folder on this computer', () => {
  test('picked with the folder input: size checked, saved in IndexedDB, named local:tiny-random; loose files without a tokenizer refused', async () => {
    const page = await openLab();
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('local');
    await page.getByLabel('Choose a model folder on this computer').setInputFiles(FOLDER);
    const status = page.locator('model-picker p[role="status"]').first();
    await expect.poll(() => status.textContent(), { timeout: TIMEOUT }).toMatch(/Saved in this browser as local:tiny-random\./);
    const text = (await status.textContent()) ?? '';
    console.log(text);
    // the folder's own files, all of them kept (JSON and safetensors), counted as the page counts them
    const bytes = (await Promise.all((await readdir(FOLDER)).map(async (f) => (await stat(join(FOLDER, f))).size))).reduce((a, b) => a + b, 0);
    expect(text).toMatch(new RegExp(`^\\d+ k parameters; ${Math.round(bytes / 1024)} KiB of files; about \\d+ KiB of GPU memory as f32\\.`));
    expect(new URL(page.url()).searchParams.get('model.path')).toBe('local:tiny-random');
    const use = page.getByRole('button', { name: 'Use the saved folder tiny-random' });
    await expect.poll(() => use.getAttribute('aria-pressed')).toBe('true');
    await page.locator('model-picker').screenshot({ path: join(SHOTS, 'local-folder.png') });

    // the folder's files one by one, without tokenizer.json: refused, naming it; nothing else is saved
    const files = (await readdir(FOLDER)).filter((f) => f !== 'tokenizer.json').map((f) => join(FOLDER, f));
    await page.getByLabel("Choose a model folder's files on this computer").setInputFiles(files);
    const alert = page.locator('model-picker p[role="alert"]');
    await expect.poll(() => alert.textContent(), { timeout: TIMEOUT }).toMatch(/is not a model folder: it has no tokenizer\.json\./);
    console.log(await alert.textContent());
    expect(await page.locator('model-picker ul.saved li').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('model.path')).toBe('local:tiny-random');

    // after a reload the saved folder is still listed, and can be picked again with the keyboard
    await page.reload();
    await expect.poll(() => use.count(), { timeout: TIMEOUT }).toBe(1);
    await use.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => status.textContent(), { timeout: TIMEOUT }).toMatch(/k parameters; .* of files/);
    expect(servedTinyRandom()).toEqual([]);
    await page.close();
  }, 180_000);

  test('the playground loads local:tiny-random from IndexedDB and generates', async () => {
    const page = await openLab(`?model=${encodeURIComponent('local:tiny-random')}&n=1&maxNewTokens=8&temperature=0`);
    const loader = page.locator('model-loader');
    await expect.poll(() => loader.getAttribute('status'), { timeout: TIMEOUT }).not.toBe('loading');
    expect(await loader.getAttribute('status'), (await loader.textContent()) ?? '').toBe('ready');
    console.log((await loader.locator('.ready').textContent())?.trim());
    expect(await loader.locator('.ready').textContent()).toMatch(/Loaded: tiny-random: llama, \d+ layers/);
    const panel = page.locator('generate-panel');
    const button = panel.getByRole('button', { name: 'Generate' });
    await expect.poll(() => button.isEnabled(), { timeout: TIMEOUT }).toBe(true);
    await button.click();
    await expect.poll(async () => Number(await panel.getAttribute('runs')), { timeout: TIMEOUT }).toBe(1);
    expect(await panel.locator('.error').count()).toBe(0);
    const completions = await panel.locator('pre.completion').allTextContents();
    console.log(`${await panel.locator('.run').textContent()}: ${JSON.stringify(completions)}`);
    expect(completions).toHaveLength(1);
    expect(await panel.locator('.run').textContent()).toMatch(/[1-8] tokens? in/);
    // every byte came from IndexedDB: the server never sent tiny-random's files
    expect(servedTinyRandom()).toEqual([]);
    await page.close();
  }, 180_000);
});
