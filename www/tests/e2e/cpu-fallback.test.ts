// Without WebGPU the page still draws both maps on the CPU path, says so in the banner, and logs no errors.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launch, waitForMaps } from './browser';
import { serveStatic, type StaticServer } from './server';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist');

let server: StaticServer;
let browser: Browser;
let page: Page;
let errors: string[] = [];

beforeAll(async () => {
  if (!existsSync(resolve(DIST, 'index.html'))) throw new Error(`no built site at ${DIST}: run \`npm run build\` first`);
  server = await serveStatic(DIST);
  browser = await launch({ webgpu: false });
  page = await browser.newPage();
  errors = collectErrors(page);
  await page.goto(server.url, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('AttnScope without WebGPU', () => {
  it('computes every map on the CPU and explains why in the banner', async () => {
    await waitForMaps(page, 4, '"n":64', 120_000);
    for (const i of [0, 1, 2, 3]) {
      expect(await page.getAttribute(`[data-testid="badge-${i}-backend"]`, 'data-value')).toBe('cpu');
    }
    const ms = Number(await page.getAttribute('[data-testid="compute-time"]', 'data-value'));
    console.log(`CPU path: 4 maps at n = 64 in ${ms.toFixed(0)} ms`);
    expect(await page.getAttribute('[data-testid="device-line"]', 'data-gpu')).toBe('false');
    const banner = await page.getAttribute('[data-testid="banner"]', 'role');
    expect(banner).toBe('status');
    await expect(page.textContent('[data-testid="banner"]')).resolves.toMatch(/WebGPU is not available.*CPU path/);
  });

  it('logs no console or page errors', () => {
    expect(errors).toEqual([]);
  });
});
