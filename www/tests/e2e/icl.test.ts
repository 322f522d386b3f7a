// End to end on the built site: the in-context regression tab (V1, V6, V7) against the native `attnscope icl`, errors, exports.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cliPath, runIclCli, type CliIclResponse } from './cli';
import { attrOf, DESKTOP, downloadFrom, RESULTS, useSite, WWW } from './site';

const CLI = cliPath(WWW);
/** The V1 sweep (41 requests of 2 000 tasks) in wasm on 2 shared cores, behind the Compare lab's first maps. */
const SWEEP_MS = 200_000;
const VIEW_MS = 120_000;
/** Closed forms: the same f64 formulas natively and in wasm. */
const CLOSED_TOL = 1e-6;
/** Monte Carlo: the same seeded ChaCha8 tasks natively and in wasm, so the estimates agree to rounding too. */
const MC_TOL = 1e-6;

let page: Page;
let errors: string[] = [];
useSite({ page: DESKTOP }, (site) => ({ page, errors } = site));

const attr = (sel: string, name: string) => attrOf(page, sel, name);
const downloadOf = (testid: string) => downloadFrom(page, testid);
const value = async (sel: string) => Number.parseFloat(await attr(sel, 'data-value'));

function expectClose(shown: number, expected: number, tol: number, what: string): void {
  expect(Number.isFinite(shown), `${what}: the page shows ${shown}`).toBe(true);
  expect(Math.abs(shown - expected), `${what}: page ${shown}, CLI ${expected}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

async function viewRequest(view: string): Promise<Record<string, unknown>> {
  return JSON.parse(await attr(`[data-testid="icl-request-json"][data-view="${view}"]`, 'data-request')) as Record<string, unknown>;
}

async function waitReady(view: string, timeout: number): Promise<void> {
  await page.waitForSelector(`[data-testid="icl-${view}"][data-state="ready"]`, { timeout, state: 'attached' });
}

/** The V6 bars and risks on screen equal the CLI's answer to the page's own request. */
async function expectPreconditionerMatchesCli(): Promise<CliIclResponse> {
  const request = await viewRequest('v6');
  const cli = runIclCli(CLI, request);
  const expected = [...cli.learners[0]!.params.gamma_lambda_eigs!].sort((a, b) => a - b);
  expect(Number(await attr('[data-testid="icl-v6-chart"]', 'data-bars'))).toBe(expected.length);
  for (const [i, e] of expected.entries()) expectClose(await value(`[data-testid="icl-v6-chart-bar-${i}"]`), e, CLOSED_TOL, `bar ${i}`);
  for (const [i, role] of ['optimal', 'scalar', 'newton'].entries()) {
    const l = cli.learners[i]!;
    expectClose(await value(`[data-testid="icl-v6-closed-${role}"]`), l.risk_closed_form!, CLOSED_TOL, `${role} closed form`);
    expectClose(await value(`[data-testid="icl-v6-mc-${role}"]`), l.risk, MC_TOL, `${role} Monte Carlo`);
  }
  return cli;
}

describe('AttnScope in-context regression tab (built site)', () => {
  it('opens from the tab bar and says so in the URL', async () => {
    await page.click('[data-testid="tab-icl"]');
    await page.waitForSelector('[data-testid="icl"]');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('tab=icl');
  });

  it('V6: the bars and risks equal `attnscope icl` on the page’s own request, and the reference values', async () => {
    await waitReady('v6', VIEW_MS);
    const request = await viewRequest('v6');
    expect(request).toMatchObject({ d: 5, n: 20, noise: 0.1, cov_eigs: [0.25, 0.5, 1, 2, 4], rotate: false, prior: 'identity' });
    await expectPreconditionerMatchesCli();
    // icl.md F4 at the defaults: Γ*λ per direction and the three risks.
    const bars = await page.$$eval('[data-testid^="icl-v6-chart-bar-"]', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
    [0.384, 0.548, 0.695, 0.804, 0.872].forEach((e, i) => expect(Math.abs(bars[i]! - e)).toBeLessThan(1e-3));
    expect(Math.abs((await value('[data-testid="icl-v6-closed-optimal"]')) - 1.5896)).toBeLessThan(1e-3);
    expect(Math.abs((await value('[data-testid="icl-v6-closed-scalar"]')) - 2.4104)).toBeLessThan(1e-3);
    expect(Math.abs((await value('[data-testid="icl-v6-closed-newton"]')) - 2.3275)).toBeLessThan(1e-3);
    console.log(`V6 on screen: bars ${bars.map((b) => b.toFixed(4)).join(', ')}; risks ${[
      await value('[data-testid="icl-v6-closed-optimal"]'),
      await value('[data-testid="icl-v6-closed-scalar"]'),
      await value('[data-testid="icl-v6-closed-newton"]'),
    ].map((r) => r.toFixed(4)).join(', ')}`);
  });

  it('V7: the length curve equals `attnscope icl`, with the floor and the reference values', async () => {
    await waitReady('v7', VIEW_MS);
    const request = await viewRequest('v7');
    const lengths = request.lengths as number[];
    expect(lengths.at(-1)).toBe(1e9);
    expect(lengths.length).toBeGreaterThanOrEqual(30);
    const cli = runIclCli(CLI, request).learners[0]!.closed_form_at_lengths!;
    const at = (m: number) => cli[lengths.indexOf(m)]!;
    const shown: Record<string, number> = {};
    for (const m of [5, 10, 20, 40, 80, 1000]) {
      shown[m] = await value(`[data-testid="icl-v7-at-${m}"]`);
      expectClose(shown[m], at(m), CLOSED_TOL, `R(${m})`);
    }
    const floor = await value('[data-testid="icl-v7-floor"]');
    expectClose(floor, at(1e9), CLOSED_TOL, 'floor');
    expectClose(await value('[data-testid="icl-v7-chart-rule-floor"]'), at(1e9), CLOSED_TOL, 'floor rule');
    expect(await attr('[data-testid="icl-v7-chart-marker-n"]', 'data-x')).toBe('20');
    const reference: Record<string, number> = { 5: 5.061, 10: 2.7467, 20: 1.5896, 40: 1.0111, 80: 0.7218, 1000: 0.4556 };
    for (const [m, e] of Object.entries(reference)) expect(Math.abs(shown[m]! - e), `R(${m})`).toBeLessThan(1e-3);
    expect(Math.abs(floor - 0.4325)).toBeLessThan(1e-4);
    console.log(`V7 on screen: ${Object.entries(shown).map(([m, v]) => `R(${m}) = ${v.toFixed(4)}`).join(', ')}, floor ${floor.toFixed(4)}`);
  });

  it('V1: draws a marker for every k and every learner, closed-form lines, and the zero-predictor rule', async () => {
    await waitReady('v1', SWEEP_MS);
    const ms = await value('[data-testid="icl-v1-time"]');
    console.log(`V1 sweep (41 values of k, 2000 tasks each): ${(ms / 1000).toFixed(1)} s in the page`);
    const points = await page.$$eval('[data-testid="icl-v1-chart-point"]', (els) => els.map((e) => [e.getAttribute('data-series'), Number(e.getAttribute('data-x'))] as const));
    for (const learner of ['gd', 'averaging', 'ols', 'ridge', 'knn']) {
      expect(points.filter(([s]) => s === learner).map(([, x]) => x), learner).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    }
    const lines = await page.$$eval('[data-testid="icl-v1-chart"] path[data-series-id]', (ps) => Object.fromEntries(ps.map((p) => [p.getAttribute('data-series-id'), p.getAttribute('d')?.length ?? 0])));
    for (const learner of ['gd', 'averaging', 'ols']) expect(lines[learner], learner).toBeGreaterThan(100);
    expect(lines.knn).toBe(0); // no closed form for k-NN
    expect(await value('[data-testid="icl-v1-chart-rule-zero"]')).toBe(1);
    // OLS at k = 10 (Garg, F5): (d − k)/d = 0.5; the marker's value is the normalised Monte Carlo risk.
    const ols10 = Number(await attr('[data-testid="icl-v1-chart-point"][data-series="ols"][data-x="10"]', 'data-value'));
    expect(Math.abs(ols10 - 0.5)).toBeLessThan(0.05);
    // Every marker at k = 20 is the CLI's Monte Carlo risk for the same request, normalised.
    const request = JSON.parse(await attr('[data-testid="icl-request-json"][data-view="v1"]', 'data-request'));
    expect(request.n).toBe(20);
    const cli = runIclCli(CLI, request);
    for (const l of cli.learners) {
      const shown = Number(await attr(`[data-testid="icl-v1-chart-point"][data-series="${l.name}"][data-x="20"]`, 'data-value'));
      const expected = l.risk / cli.zero_predictor_risk;
      expect(Math.abs(shown - expected), `${l.name} at k = 20`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected)));
    }
    // Averaging at k = 1 is 21× the zero predictor: drawn at the top of the axis, marked clipped.
    expect(await attr('[data-testid="icl-v1-chart-point"][data-series="averaging"][data-x="1"]', 'data-clipped')).toBe('true');
    await page.screenshot({ path: resolve(RESULTS, 'icl.png'), fullPage: true });
  });

  it('V1 with noise: OLS is infinite at k = 7, 8, 9 (a gap marked ∞) while ridge stays finite', async () => {
    await page.check('[data-testid="icl-v1-noise"]');
    await page.waitForSelector('[data-testid="icl-v1"][data-setting="noisy"][data-state="ready"]', { timeout: SWEEP_MS, state: 'attached' });
    const infinite = await page.$$eval('[data-testid="icl-v1-chart-infinite"]', (els) => els.map((e) => [e.getAttribute('data-series'), Number(e.getAttribute('data-x'))]));
    expect(infinite).toEqual([
      ['ols', 7],
      ['ols', 8],
      ['ols', 9],
    ]);
    const ridge = await page.$$eval('[data-testid="icl-v1-chart-point"][data-series="ridge"]', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
    expect(ridge).toHaveLength(17);
    expect(ridge.every((v) => Number.isFinite(v) && v < 1)).toBe(true);
    await page.uncheck('[data-testid="icl-v1-noise"]');
  });

  it('V6 with w ~ N(0, Σ⁻¹): every bar equals N/(N + d + 1 + σ²), as the CLI says', async () => {
    await page.check('[data-testid="icl-prior-inverse_cov"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="icl-request-json"][data-view="v6"]')?.getAttribute('data-request')?.includes('"prior":"inverse_cov"'), undefined, { timeout: VIEW_MS });
    await waitReady('v6', VIEW_MS);
    await expectPreconditionerMatchesCli();
    const bars = await page.$$eval('[data-testid^="icl-v6-chart-bar-"]', (els) => els.map((e) => Number(e.getAttribute('data-value'))));
    for (const b of bars) expect(Math.abs(b - 20 / 26.01)).toBeLessThan(1e-9);
    await page.check('[data-testid="icl-prior-identity"]');
    await waitReady('v6', VIEW_MS);
  });

  it('shows the core’s error next to the control for a bad N and an unreadable eigenvalue, and recovers', async () => {
    await page.fill('#icl-n', '0');
    await expect.poll(() => page.textContent('[data-testid="error-icl-n"]'), { timeout: VIEW_MS }).toContain('outside 1..=1024');
    await page.fill('#icl-n', '20');
    await page.fill('#icl-eigs', '0.25, 0.5, x, 2');
    await expect.poll(() => page.textContent('[data-testid="error-icl-eigs"]')).toContain('"x" is not a number');
    await page.fill('#icl-eigs', '0.25, 0.5, 0, 2, 4');
    await expect.poll(() => page.textContent('[data-testid="error-icl-eigs"]'), { timeout: VIEW_MS }).toContain('outside');
    await page.click('[data-testid="icl-eigs-zfb"]');
    await waitReady('v6', VIEW_MS);
    await waitReady('v7', VIEW_MS);
    expect(await page.$('[data-testid="error-icl-eigs"]')).toBeNull();
    await expectPreconditionerMatchesCli();
  });

  it('exports each view as SVG and PNG and its responses as JSON', async () => {
    await waitReady('v1', SWEEP_MS);
    const svg = (await downloadOf('export-icl-v1-chart-svg')).bytes.toString('utf8');
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
    // The file stands alone: the chart's title and, under it, the setting of the view's requests with their seed.
    expect(svg).toMatch(/font-weight="700"[^>]*>Normalised error vs in-context examples/);
    expect(svg).toMatch(/>d = 20 · N = \d+…\d+ · [^<]*seed \d+<\/text>/);
    const png = await downloadOf('export-icl-v6-chart-png');
    expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect((await downloadOf('export-icl-v7-chart-svg')).bytes.toString('utf8')).toContain('floor as M');
    const v6 = JSON.parse((await downloadOf('export-icl-v6-json')).bytes.toString('utf8'));
    expect(v6.format).toBe('attnscope-icl-results');
    expect(v6.runs[0].request).toEqual(await viewRequest('v6'));
    expect(v6.runs[0].response.learners).toHaveLength(3);
    const v1 = JSON.parse((await downloadOf('export-icl-v1-json')).bytes.toString('utf8'));
    expect(v1.runs).toHaveLength(41);
    const v7 = JSON.parse((await downloadOf('export-icl-v7-json')).bytes.toString('utf8'));
    expect(v7.runs[0].response.learners[0].closed_form_at_lengths.length).toBe(v7.runs[0].request.lengths.length);
  });

  it('logs no console or page errors, in either theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: resolve(RESULTS, 'icl-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(errors).toEqual([]);
  });
});
