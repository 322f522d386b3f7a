// Without WebGPU the page still draws both maps on the CPU path, says so in the banner, and logs no errors.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForMaps } from './browser';
import { useSite } from './site';

let page: Page;
let errors: string[] = [];
useSite({ webgpu: false }, (site) => ({ page, errors } = site));

describe('AttnScope without WebGPU', () => {
  it('computes every map on the CPU and explains why in the banner', async () => {
    await waitForMaps(page, 4, '"n":128', 120_000);
    for (const i of [0, 1, 2, 3]) {
      expect(await page.getAttribute(`[data-testid="badge-${i}-backend"]`, 'data-value')).toBe('cpu');
    }
    const ms = Number(await page.getAttribute('[data-testid="compute-time"]', 'data-value'));
    console.log(`CPU path: 4 maps at n = 128 in ${ms.toFixed(0)} ms`);
    expect(await page.getAttribute('[data-testid="device-line"]', 'data-gpu')).toBe('false');
    const banner = await page.getAttribute('[data-testid="banner"]', 'role');
    expect(banner).toBe('status');
    // One plain sentence says what happens and why; the raw adapter text, if any, sits folded in a details element.
    const sentence = await page.textContent('[data-testid="banner"] p');
    expect(sentence).toMatch(/no WebGPU, so every map is computed on the CPU path — same numbers, slower\./);
    const details = await page.$$eval('[data-testid="banner-details"]', (els) => els.map((d) => (d as HTMLDetailsElement).open));
    expect(details.every((open) => !open)).toBe(true);
  });

  it('logs no console or page errors', () => {
    expect(errors).toEqual([]);
  });
});
