// End to end on the built site: V2 trains one LSA layer in the page onto the one-step-GD loss (within 3 % of the closed form),
// V3 shows its weights, the curve equals `attnscope icl` on the same request, and pause and cancel stop the training.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cliPath, runIclCli } from './cli';
import { attrOf, DESKTOP, RESULTS, useSite, WWW } from './site';

const CLI = cliPath(WWW);
/** 1 000 Adam steps of 2 048 tasks in wasm, beside the V1 sweep, on 2 shared cores. */
const TRAIN_MS = 240_000;

let page: Page;
let errors: string[] = [];
useSite({ page: DESKTOP }, (site) => ({ page, errors } = site));

const attr = (sel: string, name: string) => attrOf(page, sel, name);
const num = async (sel: string, name = 'data-value') => Number.parseFloat(await attr(sel, name));
const step = () => num('[data-testid="icl-v2"]', 'data-step');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('AttnScope: training in the page (V2, V3)', () => {
  it('V2 trains to within 3 % of the one-step GD loss, and V3 shows the construction', async () => {
    await page.click('[data-testid="tab-icl"]');
    await page.waitForSelector('[data-testid="icl-v2"][data-state="idle"]');
    await page.click('[data-testid="icl-v2-train"]');
    await page.waitForSelector('[data-testid="icl-v2"][data-status="done"]', { timeout: TRAIN_MS, state: 'attached' });
    const summary = '[data-testid="icl-v2-summary"]';
    const closed = await num(summary, 'data-closed');
    const final = await num(summary, 'data-final');
    expect(Math.abs(closed - 0.20623)).toBeLessThan(1e-4);
    expect(Math.abs(final - closed) / closed, `final ${final} vs ${closed}`).toBeLessThan(0.03);
    const seconds = (await num('[data-testid="icl-v2-time"]')) / 1000;
    console.log(`V2: 1 000 steps × 2 048 tasks trained in the page in ${seconds.toFixed(1)} s; final vO loss ${final.toFixed(4)} vs ${closed.toFixed(4)}`);
    // The learned step and the weights' product equal η* = 6.06 and −η*/N.
    const eta = Number.parseFloat((await page.textContent('[data-testid="icl-v2-eta"]')) ?? '');
    expect(Math.abs(eta - 6.0606) / 6.0606).toBeLessThan(0.02);
    const product = await num('[data-testid="icl-v3-product"]');
    expect(Math.abs(product + 0.60606) / 0.60606).toBeLessThan(0.02);
    await page.fill('[data-testid="icl-v3-scale"]', '0.5');
    expect(Math.abs((await num('[data-testid="icl-v3-product"]')) - product)).toBeLessThan(1e-9);
    expect(await page.$$eval('[data-testid="icl-v3-kq-trained"] rect', (r) => r.length)).toBe(121);
    await page.screenshot({ path: resolve(RESULTS, 'icl-training.png'), fullPage: true });
    // The same request natively: the same curve (same seed, same f64 arithmetic).
    const request = JSON.parse(await attr('[data-testid="icl-request-json"][data-view="v2"]', 'data-request')) as Record<string, unknown>;
    const cli = runIclCli(CLI, request);
    const curve = (cli.learners[0]!.params as unknown as { train_curve: { step: number; eval_loss: number }[] }).train_curve;
    const last = curve.at(-1)!;
    expect(last.step).toBe(1000);
    const cliFinal = cli.learners[0]!.risk / 2;
    expect(Math.abs(cliFinal - final), `CLI ${cliFinal} vs page ${final}`).toBeLessThan(1e-9);
    expect(errors).toEqual([]);
  }, TRAIN_MS + 120_000);

  it('V2 in ZFB’s anisotropic setting learns the diagonal of Γ* within 3 %', async () => {
    await page.click('[data-testid="icl-v2-setting-zfb"]');
    await page.click('[data-testid="icl-v2-train"]');
    await page.waitForSelector('[data-testid="icl-v2"][data-status="done"]', { timeout: TRAIN_MS, state: 'attached' });
    const learned = JSON.parse(await attr('[data-testid="icl-v3-gamma"]', 'data-value')) as number[];
    const star = [1.537, 1.095, 0.695, 0.402, 0.218];
    expect(learned).toHaveLength(5);
    learned.forEach((g, i) => expect(Math.abs(g - star[i]!) / star[i]!, `Γ${i + 1} ${g} vs ${star[i]}`).toBeLessThan(0.03));
    const summary = '[data-testid="icl-v2-summary"]';
    const closed = await num(summary, 'data-closed');
    expect(Math.abs(closed - (1.5896 + 0.01) / 2)).toBeLessThan(1e-3);
    expect(Math.abs((await num(summary, 'data-final')) - closed) / closed).toBeLessThan(0.05);
    expect(await page.$$eval('[data-testid="icl-v2-gamma"] path[data-series-id]', (p) => p.length)).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: resolve(RESULTS, 'icl-training-zfb.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, TRAIN_MS + 60_000);

  it('V4: GD and GD++ on the page equal `attnscope icl` on the page’s request, and GD++ follows icl.md Table F6a', async () => {
    await page.waitForSelector('[data-testid="icl-v4"][data-state="ready"]', { timeout: 180_000, state: 'attached' });
    const request = JSON.parse(await attr('[data-testid="icl-request-json"][data-view="v4"][data-index="0"]', 'data-request')) as Record<string, unknown>;
    const cli = runIclCli(CLI, request);
    const table = { gdpp: [0.2062, 0.11055, 0.07785, 0.06205, 0.0525] };
    for (const k of [1, 2, 3, 4, 5]) {
      const gd = await num(`[data-testid="icl-v4-gd-${k}"]`);
      expect(Math.abs(gd - cli.learners[k - 1]!.risk / 2), `GD K = ${k}`).toBeLessThan(1e-9);
      const gdpp = await num(`[data-testid="icl-v4-gdpp-${k}"]`);
      const cliGdpp = k === 1 ? cli.learners[0]!.risk / 2 : cli.learners[3 + k]!.risk / 2;
      expect(Math.abs(gdpp - cliGdpp), `GD++ K = ${k}`).toBeLessThan(1e-9);
      // 10 000 tasks: a standard error of about 2 %.
      expect(Math.abs(gdpp - table.gdpp[k - 1]!) / table.gdpp[k - 1]!, `GD++ K = ${k}: ${gdpp}`).toBeLessThan(0.06);
    }
    expect(errors).toEqual([]);
  }, 240_000);

  it('V10’s time series: the forecasting curve equals `attnscope icl` on the page’s request', async () => {
    await page.waitForSelector('[data-testid="icl-v10-ar"][data-state="ready"]', { timeout: 120_000, state: 'attached' });
    const request = JSON.parse(await attr('[data-testid="icl-request-json"][data-view="v10-ar"]', 'data-request')) as Record<string, unknown>;
    const cli = runIclCli(CLI, request) as unknown as { ar: { noise_variance: number; p: number; curve: { n: number; ols_mse: number }[] } };
    const last = cli.ar.curve.at(-1)!;
    expect(Math.abs((await num('[data-testid="icl-ar-last"]')) - last.ols_mse / cli.ar.noise_variance)).toBeLessThan(1e-9);
    // Above the floor, within a few per cent of the classical excess at n = 203.
    expect(last.ols_mse / cli.ar.noise_variance).toBeGreaterThan(1);
    expect(await page.$$eval('[data-testid="icl-ar-chart"] path[data-series-id]', (p) => p.length)).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('pausing holds the step, resuming continues, cancelling stops it for good', async () => {
    await page.fill('#icl-train-steps', '20000');
    await page.click('[data-testid="icl-v2-train"]');
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.click('[data-testid="icl-v2-pause"]');
    await page.waitForSelector('[data-testid="icl-v2"][data-status="paused"]', { state: 'attached' });
    await sleep(300); // a slice in flight may still report
    const paused = await step();
    await sleep(1500);
    expect(await step()).toBe(paused);
    await page.click('[data-testid="icl-v2-pause"]'); // Resume
    await expect.poll(step, { timeout: 60_000 }).toBeGreaterThan(paused);
    await page.click('[data-testid="icl-v2-cancel"]');
    await page.waitForSelector('[data-testid="icl-v2"][data-status="cancelled"]', { state: 'attached' });
    const cancelled = await step();
    await sleep(1500);
    expect(await step()).toBe(cancelled);
    expect(cancelled).toBeLessThan(20000);
    expect(await page.isDisabled('[data-testid="icl-v2-cancel"]')).toBe(true);
    expect(errors).toEqual([]);
  }, 180_000);
});
