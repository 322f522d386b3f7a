// End to end on the built site: default grid vs the CLI, linked rows + profile, params ↔ URL, presets, exports, keyboard.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForMaps } from './browser';
import { cliPath, runCli } from './cli';
import { attrOf, DESKTOP, downloadFrom, RESULTS, useSite, WWW } from './site';

const CLI = cliPath(WWW);
/** WebGPU on SwiftShader with 2 cores is slow: allow the first computation this long. */
const DRAW_MS = 150_000;
const TOL = 1e-3;

let page: Page;
let errors: string[] = [];
useSite({ page: DESKTOP }, (site) => ({ page, errors } = site));

const attr = (sel: string, name: string) => attrOf(page, sel, name);
/** Clicks a download button and returns the file's bytes. */
const downloadOf = (testid: string) => downloadFrom(page, testid);

async function pageRequests(): Promise<Record<string, unknown>[]> {
  return page.$$eval('[data-testid="request-json"]', (els) => els.map((el) => JSON.parse(el.getAttribute('data-request') ?? '{}')));
}

/** The badges of the given slots equal what `attnscope eval` (CPU) gives for the page's own request. */
async function expectBadgesMatchCli(slots: number[]): Promise<void> {
  const requests = await pageRequests();
  for (const i of slots) {
    const request = requests[i]!;
    const cli = runCli(CLI, { ...request, backend: 'cpu' });
    expect(cli.stats, `CLI returned no stats for slot ${i}`).not.toBeNull();
    const pairs: [string, number | null | undefined][] = [
      ['entropy', cli.stats!.entropy_mean],
      ['entropy-norm', cli.stats!.entropy_normalized_mean],
      ['erank', cli.stats!.effective_rank],
      ['err', cli.stats!.vs_softmax?.attention_rel_frobenius],
    ];
    for (const [badge, expected] of pairs) {
      if (expected === null || expected === undefined) continue;
      const shown = Number.parseFloat(await attr(`[data-testid="badge-${i}-${badge}"]`, 'data-value'));
      expect(Math.abs(shown - expected), `slot ${i} ${badge}: page ${shown}, CLI ${expected}`).toBeLessThanOrEqual(TOL);
    }
  }
}

/** Every numeric cell of the statistics table for the given slots equals the CLI's number. */
async function expectTableMatchesCli(slots: number[]): Promise<void> {
  const requests = await pageRequests();
  for (const i of slots) {
    const stats = runCli(CLI, { ...requests[i]!, backend: 'cpu' }).stats!;
    const expected: Record<string, number | null | undefined> = {
      entropy_mean: stats.entropy_mean,
      entropy_normalized_mean: stats.entropy_normalized_mean,
      effective_rank: stats.effective_rank,
      stable_rank: stats.stable_rank,
      numerical_rank: stats.numerical_rank,
      spectral_gap: stats.spectral_gap,
      output_effective_rank: stats.output?.effective_rank,
      attention_rel_frobenius: stats.vs_softmax?.attention_rel_frobenius,
      output_rel_error: stats.vs_softmax?.output_rel_error,
    };
    for (const [key, value] of Object.entries(expected)) {
      if (value === null || value === undefined) continue;
      const shown = Number.parseFloat(await attr(`[data-testid="stats-table"] tr[data-slot="${i}"] td[data-key="${key}"]`, 'data-value'));
      // The numerical rank counts σ above a threshold: f32 on the GPU may move one across it.
      expect(Math.abs(shown - value), `slot ${i} ${key}: table ${shown}, CLI ${value}`).toBeLessThanOrEqual(key === 'numerical_rank' ? 1 : TOL * Math.max(1, Math.abs(value)));
    }
  }
}

describe('AttnScope Compare lab (built site)', () => {
  it('sets a strict Content-Security-Policy in the built page', async () => {
    const csp = await attr('meta[http-equiv="Content-Security-Policy"]', 'content');
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("font-src 'self' data:");
  });

  it('draws the four default maps without any input, and their badges match the CLI', async () => {
    await waitForMaps(page, 4, '"n":128', DRAW_MS);
    const variants = await page.$$eval('[data-testid^="card-"]', (els) => els.map((e) => e.getAttribute('data-variant')));
    expect(variants).toEqual(['softmax', 'linear_elu', 'performer', 'based']);
    for (const i of [0, 1, 2, 3]) {
      const size = await page.$eval(`[data-testid="map-${i}"] canvas`, (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      expect(size).toEqual([128, 128]);
      const backend = await attr(`[data-testid="badge-${i}-backend"]`, 'data-value');
      expect(['gpu', 'cpu']).toContain(backend);
      // With a GPU, auto runs on it unless its probe found the CPU path faster (and says so).
      if (process.env.REQUIRE_GPU === '1' && backend === 'cpu') {
        const note = await attr(`[data-testid="badge-${i}-backend"]`, 'title');
        expect(note).toMatch(/^auto chose the CPU path: on this adapter .* ms on the GPU and .* ms on the CPU path/);
      }
    }
    expect(await page.evaluate(() => location.hash)).toBe('#v=softmax,linear_elu,performer,based&w=clustered&n=128&d_k=16&seed=1&causal=0');
    // The default view says what to look for, like every preset.
    expect(await attrOf(page, '[data-testid="preset-caption"]', 'data-preset')).toBe('start');
    await page.screenshot({ path: resolve(RESULTS, 'default.png'), fullPage: true });
    await expectBadgesMatchCli([0, 1, 2, 3]);
  });

  it('hovering a row lights it in every map and draws the profile for every variant', async () => {
    // The default view's settings panel is tall: bring the maps on screen first.
    await page.locator('[data-testid="map-2"] canvas').scrollIntoViewIfNeeded();
    const box = (await page.locator('[data-testid="map-2"] canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + (10.5 * box.height) / 128);
    for (const i of [0, 1, 2, 3]) await expect.poll(() => attr(`[data-testid="map-${i}"]`, 'data-highlight-row')).toBe('10');
    expect(await attr('[data-testid="profile-chart"]', 'data-series')).toBe('4');
    expect(await page.textContent('[data-testid="profile-chart"] figcaption')).toContain('query i = 10');
    const paths = await page.$$eval('[data-testid="profile-chart"] path[data-series-id]', (ps) => ps.map((p) => p.getAttribute('d')?.length ?? 0));
    expect(paths).toHaveLength(4);
    expect(paths.every((n) => n > 50)).toBe(true);
    await page.mouse.click(box.x + box.width / 2, box.y + (20.5 * box.height) / 128);
    await page.mouse.move(0, 0);
    expect(await attr('[data-testid="map-0"]', 'data-locked')).toBe('true');
    expect(await attr('[data-testid="map-3"]', 'data-highlight-row')).toBe('20');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('row=20&lock=1');
  });

  it('reaches a map with the keyboard alone and moves the row and the cell cursor with the keys', async () => {
    await page.keyboard.press('Escape');
    await page.focus('body');
    let inMap = false;
    for (let k = 0; k < 120 && !inMap; k++) {
      await page.keyboard.press('Tab');
      inMap = await page.evaluate(() => !!document.activeElement?.closest('[data-testid^="map-"]'));
    }
    expect(inMap, 'Tab never reached a map').toBe(true);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    for (const i of [0, 1, 2, 3]) expect(await attr(`[data-testid="map-${i}"]`, 'data-highlight-row')).toBe('2');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    // ←/→ move the key column of the cell cursor, shared by every map; the focused map says the cell's weight.
    await page.keyboard.press('ArrowRight');
    for (const i of [0, 1, 2, 3]) expect([await attr(`[data-testid="map-${i}"]`, 'data-cursor-row'), await attr(`[data-testid="map-${i}"]`, 'data-cursor-col')]).toEqual(['2', '1']);
    expect(await page.evaluate(() => document.activeElement!.getAttribute('aria-valuetext'))).toMatch(/^query 2, key 1: −?\d/);
    expect(await page.textContent('[data-testid="readout-0"]')).toContain('key j = 1');
    await page.keyboard.press('End');
    expect(await attr('[data-testid="map-3"]', 'data-cursor-col')).toBe('127');
    await page.keyboard.press('Control+Home');
    expect([await attr('[data-testid="map-1"]', 'data-highlight-row'), await attr('[data-testid="map-1"]', 'data-cursor-col')]).toEqual(['0', '0']);
  });

  it('a parameter change updates the URL and the numbers; an invalid one is shown and sends nothing', async () => {
    const before = await attr('[data-testid="badge-0-entropy"]', 'data-value');
    await page.click('[data-testid="selected-0"] summary');
    await page.fill('#p0-temperature', '0.5');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('v=softmax(temperature:0.5),');
    await waitForMaps(page, 4, '"n":128', DRAW_MS);
    const after = await attr('[data-testid="badge-0-entropy"]', 'data-value');
    expect(Number(after)).toBeLessThan(Number(before)); // sharper rows
    expect((await pageRequests())[0]).toMatchObject({ variant: { name: 'softmax', temperature: 0.5 } });
    await expectBadgesMatchCli([0]);
    const requests = await pageRequests();
    await page.fill('#p0-temperature', '0');
    await expect.poll(() => page.textContent('[data-testid="error-p0-temperature"]')).toContain('at least 0.001');
    await page.waitForTimeout(500);
    expect(await pageRequests()).toEqual(requests);
    await page.fill('#p0-temperature', '0.5');
  });

  it('exports a map and a chart as SVG and PNG, the responses as JSON and the table as CSV', async () => {
    const svg = await downloadOf('export-map-1-svg');
    expect(svg.name).toMatch(/\.svg$/);
    const text = svg.bytes.toString('utf8');
    expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toContain('<image');
    expect(text).toContain('data:image/png;base64,');
    // The file stands alone: the variant's name, the exact variant, the workload and seed, and a colour bar with its scale.
    expect(text).toMatch(/font-weight="700"[^>]*>[^<]+ — linear_elu<\/text>/);
    expect(text).toContain('>workload: clustered · n = 128 · d_k = 16 · seed 1</text>');
    expect(text).toContain('<linearGradient id="frame-colorbar"');
    expect(text).toContain('>attention weight A_ij, shared by every map · linear scale</text>');
    const png = await downloadOf('export-map-1-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const chart = await downloadOf('export-spectrum-chart-svg');
    expect(chart.bytes.toString('utf8')).toContain('<path');
    // The row profile carries its row number and a legend with every variant.
    const profile = (await downloadOf('export-profile-chart-svg')).bytes.toString('utf8');
    expect(profile).toMatch(/>Row profile: query i = \d+<\/text>/);
    // (softmax has temperature 0.5 since the parameter test: its label says so)
    for (const name of ['softmax (temperature 0.5)', 'linear_elu', 'performer', 'based']) expect(profile).toContain(`>${name}</text>`);
    const chartPng = await downloadOf('export-entropy-chart-png');
    expect(chartPng.bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
    const json = JSON.parse((await downloadOf('export-json')).bytes.toString('utf8'));
    expect(json.format).toBe('attnscope-results');
    expect(json.results).toHaveLength(4);
    expect(json.results[1].response.attention.data).toHaveLength(128);
    expect(json.results[1].request).toEqual((await pageRequests())[1]);
    const csv = (await downloadOf('export-csv')).bytes.toString('utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(5);
    expect(csv[0]).toContain('effective_rank');
  });

  it('loads presets from their links: captions, maps, and numbers equal to the CLI', async () => {
    await page.click('[data-testid="preset-feature-maps"]');
    await waitForMaps(page, 3, '"n":128', DRAW_MS);
    expect(await attr('[data-testid="preset-caption"]', 'data-preset')).toBe('feature-maps');
    expect((await pageRequests())[1]).toMatchObject({ variant: { name: 'performer', features: 8 } });
    await expectBadgesMatchCli([1, 2]);
    await page.screenshot({ path: resolve(RESULTS, 'preset-feature-maps.png'), fullPage: true });

    await page.click('[data-testid="preset-low-rank"]');
    await waitForMaps(page, 3, '"n":256', DRAW_MS);
    expect(await attr('[data-testid="legend"]', 'data-log')).toBe('true');
    expect(await attr('[data-testid="spectrum-chart"]', 'data-series')).toBe('3');
    await expectBadgesMatchCli([1]);
    // Without the causal mask elu+1 attention has rank ≤ d_k = 16.
    expect(Number(await attr('[data-testid="badge-1-erank"]', 'data-value'))).toBeLessThan(16);
    await page.screenshot({ path: resolve(RESULTS, 'preset-low-rank.png'), fullPage: true });

    await page.click('[data-testid="preset-locality"]');
    await waitForMaps(page, 3, '"kind":"local"', DRAW_MS);
    expect(await attr('[data-testid="preset-caption"]', 'data-preset')).toBe('locality');
    await expectBadgesMatchCli([2]);
    await page.screenshot({ path: resolve(RESULTS, 'preset-locality.png'), fullPage: true });
  });

  it('runs the decay and delta-rule presets: signed maps, and every table column equal to the CLI', async () => {
    await page.click('[data-testid="preset-decay"]');
    await waitForMaps(page, 5, '"causal":true', DRAW_MS);
    expect(await attr('[data-testid="preset-caption"]', 'data-preset')).toBe('decay');
    // RetNet, Mamba-2 and GLA are signed: the shared scale turns diverging.
    expect(await attr('[data-testid="legend"]', 'data-kind')).toBe('diverging');
    await expectBadgesMatchCli([2, 3, 4]);
    await expectTableMatchesCli([0, 2, 4]);
    await page.screenshot({ path: resolve(RESULTS, 'preset-decay.png'), fullPage: true });

    await page.click('[data-testid="preset-delta"]');
    await waitForMaps(page, 4, '"kind":"copy"', DRAW_MS);
    expect((await pageRequests())[2]).toMatchObject({ variant: { name: 'deltanet' }, causal: true });
    await expectBadgesMatchCli([1, 2, 3]);
    await page.screenshot({ path: resolve(RESULTS, 'preset-delta.png'), fullPage: true });
  });

  it('fills all eight maps of the zoo preset (one request each) and reports the recompute time', async () => {
    await page.click('[data-testid="preset-zoo"]');
    await waitForMaps(page, 8, '"n":256', DRAW_MS);
    const ms = Number(await attr('[data-testid="compute-time"]', 'data-value'));
    console.log(`8 variants at n = 256: ${ms.toFixed(0)} ms in the page (${await attr('[data-testid="device-line"]', 'data-gpu') === 'true' ? 'WebGPU' : 'CPU'})`);
    expect(await attr('[data-testid="legend"]', 'data-kind')).toBe('sequential');
    expect(await page.$$eval('[data-testid="stats-table"] tbody tr', (rows) => rows.length)).toBe(8);
    await page.click('[data-testid="sort-effective_rank"]');
    const eranks = await page.$$eval('[data-testid="stats-table"] td[data-key="effective_rank"]', (tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
    expect(eranks).toEqual([...eranks].sort((a, b) => a - b));
  });

  it('loads every other preset: its maps render and its badges equal the CLI', async () => {
    // Consecutive presets differ in n or workload, so the wait sees the new maps, not the old ones.
    const rest: [id: string, maps: number, match: string][] = [
      ['sharpness', 5, '"n":64'],
      ['taylor', 4, '"n":128'],
      ['causal', 4, '"n":96'],
      ['landmarks', 4, '"n":256'],
      ['hierarchy', 3, '"n":128'],
      ['clusters', 4, '"kind":"clustered"'],
    ];
    for (const [id, maps, match] of rest) {
      await page.click(`[data-testid="preset-${id}"]`);
      await waitForMaps(page, maps, match, DRAW_MS);
      expect(await attr('[data-testid="preset-caption"]', 'data-preset')).toBe(id);
      await expectBadgesMatchCli([1, maps - 1]);
    }
  });

  it('reports and drops a hostile hash without inserting any markup', async () => {
    await page.evaluate(() => {
      location.hash = '#v=softmax,%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E,nosuch&n=1e999&foo=<b>x</b>';
    });
    await waitForMaps(page, 1, '"variant":{"name":"softmax"}', DRAW_MS);
    const banner = (await page.textContent('[data-testid="banner"]')) ?? '';
    expect(banner).toMatch(/not used/);
    expect(banner).toMatch(/unknown variant "nosuch"/);
    expect(banner).toMatch(/unknown field "foo"/);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$('[data-testid="banner"] img, [data-testid="banner"] b')).toBeNull();
  });

  it('above the n×n budget replaces the map by a message and still computes the O(n) output', async () => {
    await page.fill('#n', '3000');
    await waitForMaps(page, 1, '"n":3000', DRAW_MS);
    expect(await page.textContent('[data-testid="omitted-0"]')).toMatch(/map omitted: n×n budget.*3000 × 16/s);
    expect((await pageRequests())[0]).toMatchObject({ outputs: ['output'] });
    await page.fill('#n', '64');
    await waitForMaps(page, 1, '"n":64', DRAW_MS);
  });

  it('shows every variant in the Catalog tab with its formula typeset', async () => {
    await page.click('[data-testid="tab-catalog"]');
    await page.waitForSelector('[data-testid="formula-softmax"] .katex');
    const count = await page.$$eval('[data-testid^="formula-"] .katex-html', (els) => els.length);
    expect(count).toBeGreaterThanOrEqual(8);
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('tab=catalog');
    await page.click('[data-testid="tab-compare"]');
  });

  it('logs no console or page errors', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: resolve(RESULTS, 'dark.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
