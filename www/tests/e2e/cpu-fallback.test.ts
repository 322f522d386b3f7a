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
