// End to end on the built site: V5 (ŵ in the plane) and V10's RNN panel against the native `attnscope icl` on the page's own requests.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cliPath, runIclCli } from './cli';
import { attrOf, DESKTOP, downloadFrom, RESULTS, useSite, WWW } from './site';

const CLI = cliPath(WWW);
/** V5 and V10 queue right behind V6/V7 in the worker (before V1's sweep), so they answer in seconds. */
const VIEW_MS = 120_000;
/** The same f64 code natively and in wasm: the numbers agree to rounding. */
const TOL = 1e-9;

type Vec2 = [number, number];
type CliTrajectory = {
  w_true: Vec2; ols: Vec2; ridge_bayes: Vec2; eta: number; gd: Vec2[]; lsa: Vec2[]; gd_loss: number[]; lsa_max_abs_diff_vs_gd: number;
  loss: { minimum: number; levels: number[] }; gd_pp: { w: Vec2[]; loss: number[] } | null;
  streaming: { ols: Vec2[]; ridge: Vec2[]; gd: Vec2[] };
};
type CliRnn = { states: number[][][]; recurrent: number[][]; parallel: number[][]; max_abs_diff: number; decay: number; gd_prediction: number | null };

let page: Page;
let errors: string[] = [];
useSite({ page: DESKTOP }, (site) => ({ page, errors } = site));

const attr = (sel: string, name: string) => attrOf(page, sel, name);
const value = async (sel: string) => Number.parseFloat(await attr(sel, 'data-value'));

function expectClose(shown: number, expected: number, what: string, tol = TOL): void {
  expect(Number.isFinite(shown), `${what}: the page shows ${shown}`).toBe(true);
  expect(Math.abs(shown - expected), `${what}: page ${shown}, CLI ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

async function viewRequest(view: string): Promise<Record<string, unknown>> {
  return JSON.parse(await attr(`[data-testid="icl-request-json"][data-view="${view}"]`, 'data-request')) as Record<string, unknown>;
}

async function waitReady(view: string): Promise<void> {
  await page.waitForSelector(`[data-testid="icl-${view}"][data-state="ready"]`, { timeout: VIEW_MS, state: 'attached' });
}

/** The plane chart's markers of one series, in index order. */
async function planePoints(chart: string, series: string): Promise<Vec2[]> {
  return page.$$eval(`[data-testid="${chart}-point"][data-series="${series}"]`, (els) =>
    els.map((e) => [Number(e.getAttribute('data-w1')), Number(e.getAttribute('data-w2'))] as [number, number]),
  );
}

function expectPoints(shown: Vec2[], expected: Vec2[], what: string): void {
  expect(shown.length, what).toBe(expected.length);
  shown.forEach((p, i) => {
    expectClose(p[0], expected[i]![0], `${what}[${i}].w1`);
    expectClose(p[1], expected[i]![1], `${what}[${i}].w2`);
  });
}

/** Sets a range input and fires the event its handler listens to. */
async function slide(testid: string, v: number, event: 'input' | 'change'): Promise<void> {
  await page.$eval(`[data-testid="${testid}"]`, (el, [val, ev]) => {
    (el as HTMLInputElement).value = String(val);
    el.dispatchEvent(new Event(ev as string, { bubbles: true }));
  }, [v, event] as const);
}

async function checkTrajectoryAgainstCli(k: number): Promise<CliTrajectory> {
  const cli = (runIclCli(CLI, await viewRequest('v5')) as unknown as { trajectory: CliTrajectory }).trajectory;
  expectPoints(await planePoints('icl-v5-chart', 'gd'), cli.gd.slice(0, k + 1), 'GD iterates');
  expectPoints(await planePoints('icl-v5-chart', 'lsa'), cli.lsa.slice(0, k + 1), 'LSA layers');
  for (const id of ['w_true', 'ols', 'ridge_bayes'] as const) expectPoints(await planePoints('icl-v5-chart', id), [cli[id]], id);
  expectClose(await value('[data-testid="icl-v5-eta"]'), cli.eta, 'η');
  expectClose(await value('[data-testid="icl-v5-gd-loss"]'), cli.gd_loss[k]!, `L(w_${k})`);
  expectClose(await value('[data-testid="icl-v5-min-loss"]'), cli.loss.minimum, 'L(OLS)');
  expectClose(await value('[data-testid="icl-v5-lsa-gap"]'), cli.lsa_max_abs_diff_vs_gd, 'max |LSA − GD|', 1e-12);
  return cli;
}

describe('AttnScope ICL views V5 and V10 (built site)', () => {
  it('V5: every GD iterate, LSA layer, OLS, true w and Bayes ridge on screen equals `attnscope icl` on the page’s request', async () => {
    await page.click('[data-testid="tab-icl"]');
    await waitReady('v5');
    expect(await viewRequest('v5')).toEqual({ d: 2, n: 10, noise: 0.5, seed: 1, learners: [], trajectory: { steps: 30, stream: 20 } });
    const cli = await checkTrajectoryAgainstCli(10);
    // F1: η* = N/(N + d + 1 + σ²/τ²) = 10/13.25; F0: the layers are the iterates.
    expect(Math.abs(cli.eta - 10 / 13.25)).toBeLessThan(1e-12);
    expect(await value('[data-testid="icl-v5-lsa-gap"]')).toBeLessThanOrEqual(1e-12);
    expect(Number(await page.$$eval('[data-testid="icl-v5-chart-contour"]', (els) => els.length))).toBe(cli.loss.levels.length);
    const levels = await page.$$eval('[data-testid="icl-v5-chart-contour"]', (els) => els.map((e) => Number(e.getAttribute('data-level'))));
    levels.forEach((l, i) => expectClose(l, cli.loss.levels[i]!, `contour ${i}`));
    for (const id of ['ols', 'ridge', 'gd'] as const) expectPoints(await planePoints('icl-v5-stream', id), cli.streaming[id], `streaming ${id}`);
    console.log(`V5 on screen: η = ${cli.eta.toFixed(4)}, w = (${cli.w_true.map((v) => v.toFixed(4)).join(', ')}), OLS = (${cli.ols.map((v) => v.toFixed(4)).join(', ')}), ` +
      `w_10 = (${cli.gd[10]!.map((v) => v.toFixed(4)).join(', ')}), L(w_10) = ${cli.gd_loss[10]!.toFixed(5)}, L(OLS) = ${cli.loss.minimum.toFixed(5)}, max |LSA − GD| = ${cli.lsa_max_abs_diff_vs_gd.toExponential(2)}`);
  });

  it('V5: the K slider shows more steps without a new request; GD++ adds its layers', async () => {
    await slide('icl-v5-k-slider', 30, 'input');
    await expect.poll(() => value('[data-testid="icl-v5-k"]')).toBe(30);
    await checkTrajectoryAgainstCli(30);
    await page.check('[data-testid="icl-v5-gdpp"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="icl-request-json"][data-view="v5"]')?.getAttribute('data-request')?.includes('gd_pp'), undefined, { timeout: VIEW_MS });
    await waitReady('v5');
    const cli = await checkTrajectoryAgainstCli(30);
    expectPoints(await planePoints('icl-v5-chart', 'gd_pp'), cli.gd_pp!.w, 'GD++ layers');
    expectClose(await value('[data-testid="icl-v5-gdpp-loss"]'), cli.gd_pp!.loss[30]!, 'GD++ loss');
    // F6: one GD++ layer is one GD step.
    expectPoints([cli.gd_pp!.w[1]!], [cli.gd[1]!], 'GD++ layer 1 = GD step 1');
    await page.uncheck('[data-testid="icl-v5-gdpp"]');
    await slide('icl-v5-k-slider', 10, 'input');
    await waitReady('v5');
  });

  it('V5: the N = d = 2 preset redraws on its own request, and GD there is still far from least squares after 10 steps', async () => {
    await page.click('[data-testid="icl-v5-n-equals-d"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="icl-request-json"][data-view="v5"]')?.getAttribute('data-request')?.includes('"n":2,'), undefined, { timeout: VIEW_MS });
    await waitReady('v5');
    const cli = await checkTrajectoryAgainstCli(10);
    // Two noisy pairs in d = 2: least squares interpolates (L = 0), and the flat direction of H leaves GD well above it.
    expect(cli.loss.minimum).toBeLessThan(1e-20);
    expect(cli.gd_loss[10]!).toBeGreaterThan(1e-4);
    await page.fill('#icl-v5-n', '10');
    await page.waitForFunction(() => document.querySelector('[data-testid="icl-request-json"][data-view="v5"]')?.getAttribute('data-request')?.includes('"n":10,'), undefined, { timeout: VIEW_MS });
    await waitReady('v5');
  });

  it('V5: a bad N is named next to its box, the core’s σ limit next to σ, and the view recovers', async () => {
    await page.fill('#icl-v5-n', '0');
    await expect.poll(() => page.textContent('[data-testid="error-icl-v5-n"]')).toContain('N must be');
    await page.fill('#icl-v5-n', '10');
    await page.fill('#icl-v5-noise', '5000');
    await expect.poll(() => page.textContent('[data-testid="error-icl-v5-noise"]'), { timeout: VIEW_MS }).toContain('outside');
    await page.fill('#icl-v5-noise', '0.5');
    await waitReady('v5');
    expect(await page.$('[data-testid="error-icl-v5-noise"]')).toBeNull();
  });

  it('V10: the state S_t, the outputs and the max difference equal `attnscope icl`, for λ = 1 and λ = 0.9', async () => {
    await waitReady('v10');
    expect(await viewRequest('v10')).toEqual({ d: 2, n: 10, noise: 0.5, seed: 1, learners: [], rnn: { decay: 1, projections: 'tokens' } });
    for (const decay of [1, 0.9]) {
      if (decay !== 1) {
        await slide('icl-v10-decay-slider', decay, 'change');
        await page.waitForFunction(() => document.querySelector('[data-testid="icl-request-json"][data-view="v10"]')?.getAttribute('data-request')?.includes('"decay":0.9'), undefined, { timeout: VIEW_MS });
        await waitReady('v10');
      }
      const cli = (runIclCli(CLI, await viewRequest('v10')) as unknown as { rnn: CliRnn }).rnn;
      expect(cli.states).toHaveLength(11);
      const maxDiff = await value('[data-testid="icl-v10-max-diff"]');
      expect(maxDiff, `λ = ${decay}`).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(maxDiff - cli.max_abs_diff)).toBeLessThanOrEqual(1e-12);
      for (const t of [1, 6, 11]) {
        await slide('icl-v10-t-slider', t, 'input');
        await expect.poll(() => value('[data-testid="icl-v10-t"]')).toBe(t);
        const cells = await page.$$eval('[data-testid="icl-v10-state-cell"]', (els) => els.map((e) => [Number(e.getAttribute('data-row')), Number(e.getAttribute('data-col')), Number(e.getAttribute('data-value'))]));
        expect(cells).toHaveLength(9);
        for (const [a, b, v] of cells) expectClose(v!, cli.states[t - 1]![a!]![b!]!, `S_${t}[${a}][${b}] (λ = ${decay})`);
        expectClose(await value('[data-testid="icl-v10-recurrent"]'), cli.recurrent[t - 1]![2]!, `o_${t}`);
        expectClose(await value('[data-testid="icl-v10-parallel"]'), cli.parallel[t - 1]![2]!, `parallel_${t}`);
      }
      const markers = await page.$$eval('[data-testid="icl-v10-chart-point"][data-series="recurrent"]', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
      markers.forEach((m, i) => expectClose(m, cli.recurrent[i]![2]!, `marker ${i + 1}`));
      console.log(`V10 on screen (λ = ${decay}): max |RNN − parallel| = ${maxDiff.toExponential(2)}, o_11[y] = ${cli.recurrent[10]![2]!.toFixed(6)}`);
    }
  });

  it('V10: Play steps through the tokens; GD projections end on one GD step’s prediction', async () => {
    await slide('icl-v10-decay-slider', 1, 'change');
    await slide('icl-v10-t-slider', 1, 'input');
    await page.click('[data-testid="icl-v10-play"]');
    await expect.poll(() => value('[data-testid="icl-v10-t"]'), { timeout: 15_000 }).toBe(11);
    await page.selectOption('[data-testid="icl-v10-projections"]', 'gd');
    await page.waitForFunction(() => document.querySelector('[data-testid="icl-request-json"][data-view="v10"]')?.getAttribute('data-request')?.includes('"gd"'), undefined, { timeout: VIEW_MS });
    await waitReady('v10');
    const cli = (runIclCli(CLI, await viewRequest('v10')) as unknown as { rnn: CliRnn }).rnn;
    await slide('icl-v10-t-slider', 11, 'input');
    const gd = await value('[data-testid="icl-v10-gd"]');
    expectClose(gd, cli.gd_prediction!, 'GD prediction');
    expectClose(await value('[data-testid="icl-v10-recurrent"]'), gd, 'last RNN output = GD prediction', 1e-12);
    expect(Number(await attr('[data-testid="icl-v10-state"]', 'data-rows'))).toBe(1);
    await page.selectOption('[data-testid="icl-v10-projections"]', 'tokens');
    await waitReady('v10');
  });

  it('exports V5 and V10 as SVG, PNG and JSON', async () => {
    const svg = (await downloadFrom(page, 'export-icl-v5-chart-svg')).bytes.toString('utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('data-level');
    const png = await downloadFrom(page, 'export-icl-v10-state-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect((await downloadFrom(page, 'export-icl-v10-chart-svg')).bytes.toString('utf8')).toContain('<path');
    const v5 = JSON.parse((await downloadFrom(page, 'export-icl-v5-json')).bytes.toString('utf8'));
    expect(v5.runs[0].request).toEqual(await viewRequest('v5'));
    expect(v5.runs[0].response.trajectory.gd).toHaveLength(31);
    const v10 = JSON.parse((await downloadFrom(page, 'export-icl-v10-json')).bytes.toString('utf8'));
    expect(v10.runs[0].response.rnn.states).toHaveLength(11);
    await page.screenshot({ path: resolve(RESULTS, 'icl-views.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
