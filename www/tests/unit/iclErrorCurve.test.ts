// V1's requests and chart data: k = 1 … 2d + 1, the coarse-to-fine order, normalisation, clipping, gaps and ∞.
import { describe, expect, it } from 'vitest';
import { toIclResponse } from '../../src/engine/iclNormalize';
import { checkTasks, contextSizes, CURVE_LEARNERS, errorCurves, isInfinite, NOISELESS, NOISY, pointRequest, sweepOrder, Y_CLIP, type CurvePoint } from '../../src/lib/iclErrorCurve';
import { NOISY_K12_RESPONSE, NOISY_K8_RESPONSE } from './iclFixtures';

function point(k: number, raw: unknown): CurvePoint {
  return { k, request: pointRequest(NOISY, k, 500), response: toIclResponse(raw) };
}

describe('V1 requests', () => {
  it('sweeps k = 1 … 2d + 1: 41 points for Garg’s d = 20, 17 for Akyürek’s d = 8', () => {
    expect(contextSizes(NOISELESS.d)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(contextSizes(NOISY.d)).toHaveLength(17);
  });

  it('asks for every learner at n = k on the same seeded tasks', () => {
    expect(pointRequest(NOISY, 8, 2000)).toEqual({
      d: 8, n: 8, noise: 0.5, tau: 1, x: 'gaussian', seed: 0, tasks: 2000,
      learners: [{ name: 'gd' }, { name: 'averaging' }, { name: 'ols' }, { name: 'ridge' }, { name: 'knn', k: 3 }],
    });
    expect(pointRequest(NOISELESS, 1, 100)).toMatchObject({ d: 20, n: 1, noise: 0 });
  });

  it('computes coarse to fine: every 4th k and the last first, each k exactly once', () => {
    const order = sweepOrder(contextSizes(8));
    expect(order.slice(0, 5)).toEqual([1, 5, 9, 13, 17]);
    expect(order.slice(5, 9)).toEqual([3, 7, 11, 15]);
    expect([...order].sort((a, b) => a - b)).toEqual(contextSizes(8));
    const odd = sweepOrder(contextSizes(3)); // 7 points: the last (7) is not on the stride-4 grid
    expect(odd.slice(0, 3)).toEqual([1, 5, 7]);
    expect(new Set(odd).size).toBe(7);
  });

  it('checks the tasks box’s syntax and the page’s cap; the core checks the rest', () => {
    expect(checkTasks(2000)).toBeNull();
    expect(checkTasks(0)).toBeNull(); // the core says "0 is outside 1..=1000000" next to the box
    expect(checkTasks(null)).toMatch(/whole number/);
    expect(checkTasks(2.5)).toMatch(/whole number/);
    expect(checkTasks(50_000)).toMatch(/at most 20000/);
  });
});

describe('V1 chart data', () => {
  const curves = errorCurves([point(12, NOISY_K12_RESPONSE), point(8, NOISY_K8_RESPONSE)]);
  const by = (id: string) => curves.find((c) => c.id === id)!;

  it('one series per learner in legend order, each with its own colour and marker', () => {
    expect(curves.map((c) => c.id)).toEqual(CURVE_LEARNERS.map((l) => l.id));
    expect(new Set(curves.map((c) => c.color)).size).toBe(5);
    expect(new Set(curves.map((c) => c.marker)).size).toBe(5);
  });

  it('normalises by the zero predictor’s risk (8 here), points sorted by k', () => {
    const gd = by('gd');
    expect(gd.points.map((p) => p.x)).toEqual([8, 12]);
    expect(gd.points[0]!.y).toBeCloseTo(4.3810465676474335 / 8, 12);
    expect(gd.points[0]!.se).toBeCloseTo(0.3867715218270213 / 8, 12);
    expect(gd.line).toEqual([
      { x: 8, y: 4.289855072463769 / 8 },
      { x: 12, y: 3.482352941176473 / 8 },
    ]);
  });

  it('clips markers at the axis: OLS at the spike (270 / 8 > 1.25) is drawn at the top, its value kept', () => {
    const p = by('ols').points[0]!;
    expect(p.clipped).toBe(true);
    expect(p.y).toBeCloseTo(270.36777862866546 / 8, 10);
    expect(p.shown).toBe(Y_CLIP);
    expect(p.hi).toBe(Y_CLIP);
    const averaging = by('averaging').points[0]!; // 9.17 / 8 = 1.15: above the zero predictor, still on the axis
    expect(averaging.clipped).toBe(false);
    expect(averaging.shown).toBeCloseTo(9.173946378624308 / 8, 12);
    const ridge = by('ridge').points[1]!;
    expect(ridge.clipped).toBe(false);
    expect(ridge.lo).toBeCloseTo(ridge.y - ridge.se, 12);
  });

  it('leaves a gap where OLS’s closed form is infinite and marks it ∞; k-NN has no line and no ∞', () => {
    const ols = by('ols');
    expect(ols.line).toEqual([null, { x: 12, y: 0.6666666666666666 / 8 }]);
    expect(ols.infinite).toEqual([8]);
    expect(ols.points).toHaveLength(2); // the erratic Monte Carlo value is still shown (clipped)
    expect(ols.points[0]!.clipped).toBe(true);
    const knn = by('knn');
    expect(knn.line).toEqual([null, null]);
    expect(knn.infinite).toEqual([]);
  });

  it('tells an infinite closed form from a missing one', () => {
    expect(isInfinite(null, 'infinite: with noise, OLS diverges at N ∈ {d − 1, d, d + 1} (double descent)')).toBe(true);
    expect(isInfinite(null, 'no closed form for k-nearest neighbours')).toBe(false);
    expect(isInfinite(null, null)).toBe(false);
    expect(isInfinite(Infinity, null)).toBe(true);
    expect(isInfinite(0.5, null)).toBe(false);
  });
});
