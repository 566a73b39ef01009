// The lab page around the loop, in Chromium: the no-WebGPU page, the set-up form kept in the URL (and what a bad
// link gets), a bad upload's line-by-line report, a model too big for the device said before any download, the
// keyboard path to the first experiment, the time to first paint, and a screenshot of the whole page.
import { describe, expect, test } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from './build-app.ts';
import { launchChromium } from './chromium.ts';
import { serveLab } from './served-lab.ts';

const SHOTS = join(PROJECT_ROOT, 'test-results', 'lab');

const lab = serveLab({
  shots: SHOTS,
  // a model folder whose config.json describes a model far beyond any device's buffer limits (no weights file at all)
  async prepare(dist) {
    await mkdir(join(dist, 'models', 'huge'), { recursive: true });
    await writeFile(join(dist, 'models', 'huge', 'config.json'), JSON.stringify({
      architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 8192, intermediate_size: 28672, num_hidden_layers: 80,
      num_attention_heads: 64, num_key_value_heads: 8, vocab_size: 128256, max_position_embeddings: 8192, rms_norm_eps: 1e-5,
    }));
  },
});

async function openLab(query = ''): Promise<Page> {
  const page = await lab.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${lab.server.origin}/${query}`);
  await expect.poll(() => page.locator('setup-form fieldset').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  return page;
}

describe('the lab page', () => {
  test('without WebGPU the page says which browsers and flags to use', async () => {
    const plain = await launchChromium({ webgpu: false });
    try {
      const page = await plain.context.newPage();
      await page.goto(`${lab.server.origin}/`);
      const notice = page.locator('no-webgpu');
      await expect.poll(() => notice.count(), { timeout: 30_000 }).toBe(1);
      const text = (await notice.textContent()) ?? '';
      const shown = await notice.evaluate((el) => el.shadowRoot!.textContent ?? '');
      console.log(`no-WebGPU reason: ${await notice.locator('[role="alert"]').textContent()}`);
      expect(text + shown).toMatch(/This lab needs WebGPU/);
      expect(shown).toMatch(/Chrome or Edge 113/);
      expect(shown).toMatch(/enable-unsafe-webgpu/);
      expect(shown).toMatch(/Firefox/);
      expect(await page.locator('setup-form').count()).toBe(0);
      await notice.screenshot({ path: join(SHOTS, 'no-webgpu.png') });
    } finally {
      await plain.close();
    }
  });

  test('the set-up lives in the URL: a change is in the link, the link restores it, a bad value is named', async () => {
    const page = await openLab();
    await page.getByLabel('K (answers per problem)').fill('6');
    await page.getByLabel('K (answers per problem)').press('Tab');
    await page.getByRole('combobox', { name: 'Which problems to train on' }).selectOption('random');
    await expect.poll(() => new URL(page.url()).searchParams.get('probe.answers')).toBe('6');
    expect(new URL(page.url()).searchParams.get('sampler.name')).toBe('random');
    await page.reload();
    await expect.poll(() => page.getByLabel('K (answers per problem)').inputValue(), { timeout: 30_000 }).toBe('6');
    expect(await page.getByRole('combobox', { name: 'Which problems to train on' }).inputValue()).toBe('random');
    // out of range: the reason beside the box, and the link keeps the last good value
    await page.getByLabel('K (answers per problem)').fill('0');
    await page.getByLabel('K (answers per problem)').press('Tab');
    await expect.poll(() => page.locator('setup-form .invalid').first().textContent()).toContain('probe.answers must be at least 1, got 0');
    expect(new URL(page.url()).searchParams.get('probe.answers')).toBe('6');
    const bad = await openLab('?probe.answers=many&train.betta=2');
    const warnings = await bad.locator('sai-lab > .warning, sai-lab .warning').allTextContents();
    console.log(warnings.join('\n'));
    expect(warnings.join('\n')).toContain('probe.answers must be a number, got');
    expect(warnings.join('\n')).toContain('train.betta: not a setting of the lab');
    await bad.close();
    await page.close();
  });

  test('a bad upload shows its line-by-line report and loads the good lines', async () => {
    const page = await openLab();
    await page.getByRole('combobox', { name: 'Training problems' }).selectOption('file');
    const lines = [
      '{"question": "What is 2 + 3?", "answer": "5"}',
      '{"question": "What is 7 * 6?", "answer": "42"',
      'not json at all',
      '{"question": "Half of 10?", "answer": "5"}',
      '{"prompt_text": "no question field", "answer": "1"}',
    ];
    await page.locator('upload-report input[type="file"]').setInputFiles({ name: 'my-problems.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(lines.join('\n')) });
    const report = page.locator('upload-report');
    await expect.poll(() => report.getAttribute('status')).toBe('problems');
    const summary = await report.locator('.summary').textContent();
    console.log(summary);
    expect(summary).toMatch(/loaded 2 of \d+ records/);
    const rows = await report.locator('table.lines tbody tr').allTextContents();
    console.log(rows.join('\n'));
    expect(rows.some((r) => r.startsWith('2'))).toBe(true);
    expect(rows.some((r) => r.startsWith('3'))).toBe(true);
    expect(rows.some((r) => r.startsWith('5'))).toBe(true);
    await report.screenshot({ path: join(SHOTS, 'bad-upload.png') });
    await page.close();
  });

  test('a model too big for the device is refused from its config.json, before any weights are downloaded', async () => {
    const page = await openLab();
    await page.getByRole('combobox', { name: 'Model', exact: true }).selectOption('custom');
    await page.getByLabel('Model id or folder URL').fill('/models/huge/');
    await page.getByRole('button', { name: 'Check size and use' }).click();
    const alert = page.locator('model-picker [role="alert"]');
    await expect.poll(() => alert.count(), { timeout: 30_000 }).toBe(1);
    const text = (await alert.textContent()) ?? '';
    console.log(text);
    expect(text).toMatch(/Too big for this device: its largest weight matrix needs \d+ MiB in one GPU buffer, and this device allows at most \d+ MiB/);
    expect(text).toMatch(/\d+\.\d B parameters/);
    expect(lab.server.downloads.get('/models/huge/config.json')).toBeGreaterThan(0);
    expect(lab.server.downloads.get('/models/huge/model.safetensors')).toBeUndefined();
    expect(new URL(page.url()).searchParams.get('model.path')).toBeNull();
    await page.close();
  });

  test('first paint, the keyboard path to the Quick demo button, and a full-page screenshot', async () => {
    const page = await openLab();
    const paint = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
    console.log(`first contentful paint: ${paint === null ? 'n/a' : `${paint.toFixed(0)} ms`} (local server, software rendering)`);
    expect(paint).not.toBeNull();
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => {
        let el: Element | null = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.textContent?.trim() === 'Quick demo';
      });
    }
    expect(reached).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'page.png'), fullPage: true });
    await page.close();
  });
});
