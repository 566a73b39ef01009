// The set-up the lab's browser tests share: once per test file, build the lab (with any test pages beside it),
// serve it on 127.0.0.1 and open Chromium; print the end of the browser's console when a test fails; close and
// remove it all after the file's last test.
import { mkdir, rm } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { buildApp } from './build-app.ts';
import { launchChromium, type ChromiumSession } from './chromium.ts';
import { serveStatic, type StaticServer } from './static-server.ts';

export interface ServedLabOptions {
  /** test pages built beside the lab (buildApp's extra inputs) */
  pages?: string[];
  /** edits the built folder before it is served */
  prepare?(dist: string): Promise<void>;
  /** a screenshot folder to make */
  shots?: string;
}

/** The set-up's time limit: building the app is slow while other tests keep both cores busy. */
const SETUP_TIMEOUT_MS = 300_000;
/** The console's last lines a failing test prints. */
const LOG_LINES = 80;

/** What the hooks set up; filled in before the file's first test. */
export interface ServedLab {
  dist: string;
  server: StaticServer;
  browser: ChromiumSession;
}

/** Registers the file's hooks and returns what they set up. */
export function serveLab(options: ServedLabOptions = {}): ServedLab {
  const lab = { dist: '' } as ServedLab;
  beforeAll(async () => {
    lab.dist = await buildApp(options.pages);
    await options.prepare?.(lab.dist);
    lab.server = await serveStatic(lab.dist);
    lab.browser = await launchChromium();
    if (options.shots) await mkdir(options.shots, { recursive: true });
  }, SETUP_TIMEOUT_MS);
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => console.log(`browser console:\n${(lab.browser?.log ?? []).slice(-LOG_LINES).join('\n')}`));
  });
  afterAll(async () => {
    await lab.browser?.close();
    await lab.server?.close();
    if (lab.dist) await rm(lab.dist, { recursive: true, force: true });
  });
  return lab;
}
