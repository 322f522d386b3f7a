// V10's time-series panel: Zhou et al.'s histories, the request, and the curve in units of σ² with the p/(n − p) line.
import { describe, expect, it } from 'vitest';
import type { ArPanel } from '../../src/engine/iclTypes';
import { toArPanel } from '../../src/engine/iclNormalize';
import { forecastRequest, forecastSeries, histories } from '../../src/lib/iclForecast';

describe('the AR(p) forecasting panel', () => {
  it('asks for Zhou et al.’s histories p + {5, 25, 50, 100, 200} (and p + 2, p + 10) with no learners', () => {
    expect(histories(3)).toEqual([5, 8, 13, 28, 53, 103, 203]);
    const r = forecastRequest({ p: 5, sigma: 0.05 });
    expect(r.learners).toEqual([]);
    expect(r.ar).toEqual({ p: 5, sigma: 0.05, histories: [7, 10, 15, 30, 55, 105, 205], series: 4000 });
  });
  it('draws MSE / σ², the floor at 1 and the classical 1 + p/(n − p)', () => {
    const panel: ArPanel = {
      p: 3, sigma: 0.1, noise_variance: 0.01, series: 10,
      curve: [
        { n: 8, ols_mse: 0.02, ols_se: 0.001, true_mse: 0.0101, excess: 0.0099, excess_se: 0.0005 },
        { n: 103, ols_mse: 0.0103, ols_se: 0.0002, true_mse: 0.01, excess: 0.0003, excess_se: 0.0001 },
      ],
    };
    const [ols, theory, truth] = forecastSeries(panel, 2.5);
    expect(ols!.points[0]!.y).toBeCloseTo(2, 12);
    expect(ols!.points[0]!.se).toBeCloseTo(0.1, 12);
    expect(theory!.line.map((p) => p!.y)).toEqual([1 + 3 / 5, 1 + 3 / 100]);
    expect(truth!.points[1]!.y).toBeCloseTo(1, 12);
  });
  it('normalises the core’s panel and rejects a missing number', () => {
    const raw = { p: 1, sigma: 0.1, noise_variance: 0.01, series: 2, curve: [{ n: 3, ols_mse: 1, ols_se: 0, true_mse: 1, excess: 0, excess_se: 0 }] };
    expect(toArPanel(raw)).toEqual(raw);
    expect(() => toArPanel({ ...raw, curve: [{ n: 3 }] })).toThrow(/ols_mse/);
  });
});
