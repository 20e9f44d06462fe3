/** Debian's Chromium (never a downloaded one) against the built server on a fresh DATA_DIR, for one suite. */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type StartedServer } from './server.js';
import { tempDir } from './tmp.js';

const CHROMIUM = '/usr/bin/chromium';

export interface BrowserRig {
  readonly server: StartedServer;
  readonly browser: Browser;
}

export function browserRig(): BrowserRig {
  let server: StartedServer | undefined;
  let browser: Browser | undefined;
  const { dir, cleanup } = tempDir();
  beforeAll(async () => {
    server = await startServer({ DATA_DIR: dir });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    cleanup();
  });
  return {
    get server() {
      return server!;
    },
    get browser() {
      return browser!;
    },
  };
}
