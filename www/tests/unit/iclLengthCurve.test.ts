// V7: log-spaced prompt lengths with the anchors, N and the floor length; the curve, its floor and the value at N.
import { describe, expect, it } from 'vitest';
import type { IclResponse } from '../../src/engine/iclTypes';
import { DEFAULT_SETTING } from '../../src/lib/iclAnisotropic';
import { ANCHOR_LENGTHS, FLOOR_LENGTH, lengthCurve, lengthRequest, logLengths, promptLengths } from '../../src/lib/iclLengthCurve';

describe('prompt lengths', () => {
  it('are about 40 whole numbers log-spaced from 1 to 1000, strictly increasing', () => {
    const m = logLengths();
    expect(m[0]).toBe(1);
    expect(m.at(-1)).toBe(1000);
    expect(m.length).toBeGreaterThanOrEqual(34);
    expect(m.length).toBeLessThanOrEqual(40);
    m.slice(1).forEach((v, i) => expect(v).toBeGreaterThan(m[i]!));
    // Log spacing: above the rounding region, consecutive ratios stay near 1000^(1/39) ≈ 1.19.
    const ratios = m.slice(1).map((v, i) => v / m[i]!).filter((_, i) => m[i]! >= 20);
    for (const r of ratios) expect(Math.abs(r - 1000 ** (1 / 39))).toBeLessThan(0.05);
  });

  it('add the anchors and the training N, and end with the floor length', () => {
    const m = promptLengths(23);
    for (const a of [...ANCHOR_LENGTHS, 23]) expect(m).toContain(a);
    expect(m.at(-1)).toBe(FLOOR_LENGTH);
    expect(m.slice(0, -1)).toEqual([...new Set(m.slice(0, -1))].sort((a, b) => a - b));
    expect(m.length).toBeLessThanOrEqual(256); // the core's limit
    expect(promptLengths(1.5)).not.toContain(1.5);
  });

  it('go out in a request for the optimal one-layer LSA only', () => {
    const r = lengthRequest(DEFAULT_SETTING);
    expect(r.learners).toEqual([{ name: 'preconditioned_gd' }]);
    expect(r.lengths).toEqual(promptLengths(20));
    expect(r).toMatchObject({ d: 5, n: 20, cov_eigs: [0.25, 0.5, 1, 2, 4], rotate: false });
  });
});

describe('the length curve', () => {
  const request = { d: 5, n: 20, lengths: [5, 1000, 20, 7, FLOOR_LENGTH], learners: [{ name: 'preconditioned_gd' as const }] };
  const response: IclResponse = {
    d: 5, n: 20, tasks: 100, seed: 0, noise_variance: 0.01, zero_predictor_risk: 7.75, cov_eigs: [0.25, 0.5, 1, 2, 4],
    learners: [{
      name: 'preconditioned_gd', risk: 1.6, risk_se: 0.05, risk_closed_form: 1.5896, risk_closed_form_se: null, closed_form_note: null, params: {},
      closed_form_at_lengths: [5.061, 0.4556, 1.5896, Number.NaN, 0.4325],
    }],
  };

  it('plots the finite lengths by M, sets the floor apart and skips what the core could not compute', () => {
    const c = lengthCurve(request, response);
    expect(c.line).toEqual([
      { x: 5, y: 5.061 },
      { x: 20, y: 1.5896 },
      { x: 1000, y: 0.4556 },
    ]);
    expect(c.floor).toBe(0.4325);
    expect(c.n).toBe(20);
    expect(c.atN).toBe(1.5896);
    expect(c.mc).toMatchObject({ x: 20, y: 1.6, se: 0.05, clipped: false });
    expect(c.anchors).toEqual([
      { m: 5, value: 5.061 },
      { m: 20, value: 1.5896 },
      { m: 1000, value: 0.4556 },
    ]);
  });

  it('has no floor without the floor length, and no points without lengths', () => {
    const c = lengthCurve({ ...request, lengths: [5] }, { ...response, learners: [{ ...response.learners[0]!, closed_form_at_lengths: [5.061] }] });
    expect(c.floor).toBeNull();
    expect(lengthCurve({ ...request, lengths: undefined }, response).line).toEqual([]);
  });
});
