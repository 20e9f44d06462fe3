import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Child-process and browser tests are heavy on a 2-core machine; keep parallelism modest.
    maxWorkers: 2,
  },
});
