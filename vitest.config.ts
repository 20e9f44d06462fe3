import { defineConfig } from 'vitest/config';

/**
 * Tests that put a server under load (500 members voting at once): alone, after the rest, so that they neither slow
 * the timing-sensitive fault tests nor are slowed by them.
 */
const ALONE = ['test/**/*-load.test.ts'];

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
