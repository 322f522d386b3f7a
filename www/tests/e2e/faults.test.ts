// The page under faults: a lost WebGPU device mid-session and a panic in the wasm core, each drilled
// through the page's fault hook; the maps must come back with the CLI's numbers and the banner must say what happened.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForMaps } from './browser';
import { useSite } from './site';

let page: Page;
useSite({ webgpu: true }, (site) => ({ page } = site));

const DRAW_MS = 180_000;

async function drill(what: 'device-loss' | 'panic'): Promise<void> {
  await page.evaluate((w) => (window as unknown as { attnscopeDrill: (what: string) => void }).attnscopeDrill(w), what);
}

/** Moves to another seed through the URL, as a link or the seed control would. */
async function reseed(seed: number): Promise<void> {
  await page.evaluate((s) => {
    location.hash = location.hash.replace(/seed=\d+/, `seed=${s}`);
  }, seed);
  await waitForMaps(page, 4, `"seed":${seed}`, DRAW_MS);
}

async function badges(attr: string): Promise<string[]> {
  return Promise.all([0, 1, 2, 3].map(async (i) => (await page.getAttribute(`[data-testid="badge-${i}-backend"]`, attr)) ?? ''));
}

describe('AttnScope under faults', () => {
  it('carries on on the CPU path after the GPU device is lost, and says why', async () => {
    await waitForMaps(page, 4, '"n":128', DRAW_MS);
    const gpu = (await page.getAttribute('[data-testid="device-line"]', 'data-gpu')) === 'true';
    await drill('device-loss');
    await reseed(7);
    expect(await badges('data-value')).toEqual(['cpu', 'cpu', 'cpu', 'cpu']);
    if (gpu) {
      for (const note of await badges('title')) expect(note).toContain('device was lost');
    }
  });

  it('reports a panic in the core, replaces its worker and draws again', async () => {
    await drill('panic');
    await page.waitForFunction(() => (document.querySelector('[data-testid="banner"]')?.textContent ?? '').includes('the engine crashed'), null, {
      timeout: 60_000,
    });
    await reseed(8);
    expect(await badges('data-value')).toHaveLength(4);
    // A successful computation clears the crash notice.
    await page.waitForFunction(() => !(document.querySelector('[data-testid="banner"]')?.textContent ?? '').includes('the engine crashed'), null, {
      timeout: 60_000,
    });
  });
});
