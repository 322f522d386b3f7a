// The e2e harness the test files share: the built site (dist/) served locally and opened in Chromium for one file's tests, plus page helpers.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { collectErrors, launch } from './browser';
import { serveStatic } from './server';

/** www/, its built site, and where screenshots go. */
export const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = resolve(WWW, 'dist');
export const RESULTS = resolve(WWW, 'test-results');

/** A desktop-sized page that accepts downloads (the exports). */
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1400, height: 1100 }, acceptDownloads: true };

/** The open page and the console and page errors it has logged so far (see collectErrors). */
export type Site = { page: Page; errors: string[] };

/**
 * Before the file's tests: serves dist/, launches Chromium (webgpu: false switches WebGPU off), loads the site in a new page
 * and hands it to `opened`. After them: closes the browser and the server.
 */
export function useSite(opts: { webgpu?: boolean; page?: BrowserContextOptions }, opened: (site: Site) => void): void {
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (!existsSync(resolve(DIST, 'index.html'))) throw new Error(`no built site at ${DIST}: run \`npm run build\` first`);
    mkdirSync(RESULTS, { recursive: true });
    const server = await serveStatic(DIST);
    const browser = await launch({ webgpu: opts.webgpu }).catch(async (e: unknown) => {
      await server.close();
      throw e;
    });
    close = async () => {
      await browser.close();
      await server.close();
    };
    const page = await browser.newPage(opts.page);
    opened({ page, errors: collectErrors(page) });
    await page.goto(server.url, { waitUntil: 'load' });
  });
  afterAll(async () => {
    await close?.();
  });
}

/** An attribute of the first element matching `sel` ('' when absent). */
export async function attrOf(page: Page, sel: string, name: string): Promise<string> {
  return (await page.getAttribute(sel, name)) ?? '';
}

/** Clicks a download button and returns the file's name and bytes. */
export async function downloadFrom(page: Page, testid: string): Promise<{ name: string; bytes: Buffer }> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testid}"]`)]);
  return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
}
