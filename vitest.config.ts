import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // test/browser/ drives the built page in Chromium (playwright-core); it runs in `npm test` too.
    include: ['test/**/*.test.ts'],
    // Dawn (the `webgpu` package) is a native addon: run test files in child processes, two at a time (2 cores).
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
