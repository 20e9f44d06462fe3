import { defineConfig } from 'vitest/config';

/** Tests that time a server under load or inject faults: alone, after the rest, so that no other test slows them. */
const ALONE = ['test/faults/**/*.test.ts', 'test/**/*-load.test.ts'];

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
