/**
 * The console's browser tests' shared parts: the local server started with `--seed` and Debian's
 * chromium (through playwright-core) on a fresh profile, kept from reaching the network; an image
 * waited for until the browser has decoded it; and a screenshot kept in test/artifacts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../../support/fixtures';
import { installed } from '../../support/processes';
import { eventually, startLocalServer, type LocalServer } from './local-server';

const CHROMIUM = '/usr/bin/chromium';

export interface ConsoleBrowser {
  server: LocalServer;
  browser: BrowserContext;
  stop(): Promise<void>;
}

/** Skips `test` (a `before` hook's context) when chromium is missing. */
export async function consoleBrowser(test: Mocha.Context, viewport: { width: number; height: number }): Promise<ConsoleBrowser> {
  if (!installed(CHROMIUM)) {
    console.warn(`    skipped: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`);
    test.skip();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'local-console-'));
  const profile = mkdtempSync(join(tmpdir(), 'local-console-profile-'));
  let server: LocalServer | undefined;
  let browser: BrowserContext | undefined;
  const stop = async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    server = await startLocalServer(dataDir, {}, ['--seed']);
    // a fresh profile per run (the persistent context is how playwright takes --user-data-dir)
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport,
      // playwright adds --headless itself; the rest keep chromium from reaching the network
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, browser, stop };
}

/** Waits until the browser has decoded the image (not merely put it in the DOM); its natural size and URL. */
export async function decodedImage(image: Locator, what: string): Promise<{ width: number; height: number; src: string }> {
  type Decoded = { complete: boolean; naturalWidth: number; naturalHeight: number; src: string };
  return eventually(async () => {
    const img = await image.evaluate((node) => {
      const i = node as unknown as Decoded;
      return { complete: i.complete, width: i.naturalWidth, height: i.naturalHeight, src: i.src };
    });
    return img.complete && img.width > 0 ? { width: img.width, height: img.height, src: img.src } : undefined;
  }, what, 30_000);
}

/** A full-page screenshot in test/artifacts/<name>. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  const artifacts = join(repoRoot, 'test', 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, name), fullPage: true });
}
