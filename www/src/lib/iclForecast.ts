// V10's time-series panel (icl.md §1.8, Zhou et al.): the one-step forecast error of least squares on an AR(p) history
// against the true coefficients' σ², as the history grows; the classical excess σ² p/(n − p) as the reference line.
import type { ArPanel, IclRequest } from '../engine/iclTypes';
import { seriesStyle } from './series';
import { clampEstimate, type ChartSeries, type Rule } from './xyChart';

export type ForecastSetting = { p: number; sigma: number };
export const DEFAULT_FORECAST: ForecastSetting = { p: 3, sigma: 0.05 };
export const FORECAST_SERIES = 4000;
export const ORDERS = [1, 3, 5, 7] as const;

/** Zhou et al.'s histories n = p + {5, 25, 50, 100, 200}, plus a few between for the curve. */
export function histories(p: number): number[] {
  return [2, 5, 10, 25, 50, 100, 200].map((h) => p + h);
}

export function forecastRequest(s: ForecastSetting, seed = 1): IclRequest {
  return { d: 1, n: 1, seed, learners: [], ar: { p: s.p, sigma: s.sigma, histories: histories(s.p), series: FORECAST_SERIES } };
}

/** The curve in units of σ² (the true coefficients' floor is 1): OLS markers ± SE, the p/(n − p) line. */
export function forecastSeries(panel: ArPanel, yMax: number): ChartSeries[] {
  const s2 = panel.noise_variance;
  const ols = panel.curve.map((c) => clampEstimate(c.n, c.ols_mse / s2, c.ols_se / s2, yMax));
  const truth = panel.curve.map((c) => clampEstimate(c.n, c.true_mse / s2, 0, yMax));
  const theory = panel.curve.map((c) => ({ x: c.n, y: 1 + panel.p / (c.n - panel.p) }));
  return [
    { id: 'ols', label: 'OLS-AR(p) fitted on the history (Monte Carlo)', ...seriesStyle(0), marker: 'circle', line: ols.map((e) => ({ x: e.x, y: e.y })), points: ols, infinite: [] },
    { id: 'theory', label: '1 + p/(n − p): least squares’ classical excess', ...seriesStyle(1), dash: '5 3', marker: 'circle', line: theory, points: [], infinite: [] },
    { id: 'true', label: 'the true φ (Monte Carlo)', ...seriesStyle(2), marker: 'square', line: [], points: truth, infinite: [] },
  ];
}

export const FLOOR_RULE: Rule = { id: 'floor', y: 1, label: 'σ²: the best any forecaster (an LSA included) can do', dash: '2 3', align: 'end' };
