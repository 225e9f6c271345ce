/**
 * Headless Chromium for UI tests: Debian's own /usr/bin/chromium driven by playwright-core, so
 * nothing is downloaded. Each browser gets a fresh profile directory, removed on close, so no
 * state (cookies, cache, a crashed previous run) leaks between tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Flags that work in this container: no sandbox (no user namespaces here), no GPU, and nothing
 * that phones home or updates itself, since there is no network beyond loopback.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LAUNCH_TIMEOUT_MS = 30_000;

export interface HeadlessBrowser {
  page: Page;
  /** Closes the browser and deletes its profile directory. Safe to call more than once. */
  close(): Promise<void>;
}

export async function openHeadlessBrowser(viewport = { width: 1280, height: 800 }): Promise<HeadlessBrowser> {
  // playwright refuses --user-data-dir in launch() args; a persistent context is how it takes
  // a profile directory, and a fresh temporary one is as clean as launch()'s own.
  const profile = mkdtempSync(join(tmpdir(), 'klayworker-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [...CHROMIUM_FLAGS],
      viewport,
      timeout: LAUNCH_TIMEOUT_MS,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    let closed = false;
    return {
      page,
      close: async () => {
        if (closed) return;
        closed = true;
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
