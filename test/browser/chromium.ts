// Chromium for the page tests: Debian's /usr/bin/chromium through playwright-core, headless, with
// WebGPU on the software adapter (SwiftShader; CPU adapters need --enable-unsafe-webgpu), in a fresh profile.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumSession {
  context: BrowserContext;
  /** every console message and page error, for a failing test to print */
  log: string[];
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** false: a browser as a user without WebGPU has it (the feature switched off) */
  webgpu?: boolean;
}

/** A browser with a fresh user-data-dir (so the Cache API starts empty), removed on close. */
export async function launchChromium(options: LaunchOptions = {}): Promise<ChromiumSession> {
  const profile = await mkdtemp(join(tmpdir(), 'sai-dpo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...FLAGS, ...(options.webgpu === false ? ['--disable-features=WebGPU'] : ['--enable-unsafe-webgpu'])],
  });
  const log: string[] = [];
  const watch = (page: import('playwright-core').Page) => {
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    log,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
