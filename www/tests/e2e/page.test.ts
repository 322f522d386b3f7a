// End to end on the built site: both maps draw, badges equal the native CLI's stats, linked row highlight.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launch, waitForMaps } from './browser';
import { cliPath, runCli } from './cli';
import { serveStatic, type StaticServer } from './server';

const WWW = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = resolve(WWW, 'dist');
const RESULTS = resolve(WWW, 'test-results');
const CLI = cliPath(WWW);
/** WebGPU on SwiftShader with 2 cores is slow: allow the first computation this long. */
const FIRST_DRAW_MS = 150_000;
const TOL = 1e-3;
const VARIANTS = ['softmax', 'linear_elu'] as const;

let server: StaticServer;
let browser: Browser;
let page: Page;
let errors: string[] = [];

async function badgeValue(variant: string, badge: string): Promise<string> {
  return (await page.getAttribute(`[data-testid="badge-${variant}-${badge}"]`, 'data-value')) ?? '';
}

async function pageRequests(): Promise<Record<string, Record<string, unknown>>> {
  const els = await page.$$('[data-testid="request-json"]');
  const out: Record<string, Record<string, unknown>> = {};
  for (const el of els) {
    out[(await el.getAttribute('data-variant')) ?? '?'] = JSON.parse((await el.getAttribute('data-request')) ?? '{}');
  }
  return out;
}

/** Every displayed stat equals what `attnscope eval` (CPU) gives for the page's own request. */
async function expectBadgesMatchCli(): Promise<void> {
  const requests = await pageRequests();
  expect(Object.keys(requests).sort()).toEqual(['linear_elu', 'softmax']);
  for (const v of VARIANTS) {
    const request = requests[v]!;
    expect((request.variant as { name: string }).name).toBe(v);
    expect(['auto', undefined]).toContain(request.backend);
    const cli = runCli(CLI, { ...request, backend: 'cpu' });
    expect(cli.stats, `CLI returned no stats for ${v}`).not.toBeNull();
    const pairs: [string, number][] = [
      ['entropy', cli.stats!.entropy_mean],
      ['entropy-norm', cli.stats!.entropy_normalized_mean],
      ['erank', cli.stats!.effective_rank],
    ];
    for (const [badge, expected] of pairs) {
      const shown = Number.parseFloat(await badgeValue(v, badge));
      expect(Number.isFinite(shown), `badge-${v}-${badge} has no numeric data-value`).toBe(true);
      expect(Math.abs(shown - expected), `badge-${v}-${badge}: page ${shown}, CLI ${expected}`).toBeLessThanOrEqual(TOL);
    }
  }
}

beforeAll(async () => {
  if (!existsSync(resolve(DIST, 'index.html'))) throw new Error(`no built site at ${DIST}: run \`npm run build\` first`);
  mkdirSync(RESULTS, { recursive: true });
  server = await serveStatic(DIST);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  errors = collectErrors(page);
  await page.goto(server.url, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('AttnScope page (built site)', () => {
  it('sets a strict Content-Security-Policy in the built page', async () => {
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("default-src 'self'");
  });

  it('draws both maps on first load without any input', async () => {
    await waitForMaps(page, '"n":64', FIRST_DRAW_MS);
    for (const v of VARIANTS) {
      expect(await page.getAttribute(`[data-testid="map-${v}"]`, 'data-ready')).toBe('true');
      const canvas = await page.$eval(`[data-testid="map-${v}"] canvas`, (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      expect(canvas).toEqual([64, 64]);
    }
    await page.screenshot({ path: resolve(RESULTS, 'page.png'), fullPage: true });
  });

  it('shows the same entropy, normalised entropy and effective rank as the CLI', async () => {
    await expectBadgesMatchCli();
  });

  it('reports the backend (gpu required when REQUIRE_GPU=1) and a time', async () => {
    for (const v of VARIANTS) {
      const backend = await badgeValue(v, 'backend');
      if (process.env.REQUIRE_GPU === '1') expect(backend, `${v} backend`).toBe('gpu');
      else expect(['gpu', 'cpu']).toContain(backend);
      expect(Number.parseFloat(await badgeValue(v, 'time'))).toBeGreaterThan(0);
    }
    const gpu = await page.getAttribute('[data-testid="device-line"]', 'data-gpu');
    if (gpu === 'false') await expect(page.textContent('[data-testid="banner"]')).resolves.toMatch(/CPU path/);
  });

  it('highlights the hovered query row in both maps', async () => {
    const box = await page.locator('[data-testid="map-softmax"] canvas').boundingBox();
    expect(box).not.toBeNull();
    const row = 10;
    await page.mouse.move(box!.x + box!.width / 2, box!.y + ((row + 0.5) * box!.height) / 64);
    for (const v of VARIANTS) {
      await expect.poll(() => page.getAttribute(`[data-testid="map-${v}"]`, 'data-highlight-row')).toBe(String(row));
    }
    await expect(page.textContent('[data-testid="readout-linear_elu"]')).resolves.toContain(`query i = ${row}`);
  });

  it('moves the highlighted row with the keyboard and locks it with a click', async () => {
    const box = (await page.locator('[data-testid="map-linear_elu"] canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + (20.5 * box.height) / 64);
    await page.mouse.move(0, 0);
    expect(await page.getAttribute('[data-testid="map-softmax"]', 'data-locked')).toBe('true');
    expect(await page.getAttribute('[data-testid="map-softmax"]', 'data-highlight-row')).toBe('20');
    await page.focus('[data-testid="map-linear_elu"] [role="slider"]');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('[data-testid="map-softmax"]', 'data-highlight-row')).toBe('22');
    await page.keyboard.press('Escape');
    expect(await page.getAttribute('[data-testid="map-softmax"]', 'data-highlight-row')).toBeNull();
  });

  it('shows an invalid value next to its control and sends nothing', async () => {
    const before = await pageRequests();
    await page.fill('#n', '0');
    await expect.poll(() => page.textContent('[data-testid="error-n"]')).toContain('n must be between 1 and 1024');
    await page.waitForTimeout(600); // longer than the debounce
    expect(await pageRequests()).toEqual(before);
    await page.fill('#n', '64');
    await expect.poll(() => page.$('[data-testid="error-n"]')).toBeNull();
  });

  it('recomputes both maps when a control changes (causal) and still matches the CLI', async () => {
    await page.check('#causal');
    await waitForMaps(page, '"causal":true', FIRST_DRAW_MS);
    await expectBadgesMatchCli();
    // Causal softmax: query 0 sees only key 0, so its row entropy is 0.
    await page.focus('[data-testid="map-softmax"] [role="slider"]');
    await page.keyboard.press('Home');
    await expect(page.textContent('[data-testid="readout-softmax"]')).resolves.toContain('row entropy 0.000 nats');
  });

  it('logs no console or page errors', async () => {
    await page.screenshot({ path: resolve(RESULTS, 'page-causal.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: resolve(RESULTS, 'page-dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
