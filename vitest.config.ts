import { defineConfig } from 'vitest/config';

/**
 * Alone, after the rest: tests that put a server under load (500 members voting at once), which would slow the others,
 * and the one that times the server's start (/healthz within 3 s), which the others would slow.
 */
const ALONE = ['test/**/*-load.test.ts', 'test/channels/server.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      // Child-process and browser tests are heavy on a 2-core machine; keep parallelism modest.
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ALONE, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
