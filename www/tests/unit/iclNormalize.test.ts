// Normalising what the core's iclEvaluate returns: real CLI answers, Maps, BigInts, nulls and malformed fields.
import { describe, expect, it } from 'vitest';
import { toIclResponse } from '../../src/engine/iclNormalize';
import { NOISY_K8_RESPONSE, PRECONDITIONER_RESPONSE } from './iclFixtures';

describe('toIclResponse', () => {
  it('reads a real V6 answer: sizes, the zero predictor, Λ and every learner’s numbers and parameters', () => {
    const r = toIclResponse(PRECONDITIONER_RESPONSE);
    expect(r).toMatchObject({ d: 5, n: 20, tasks: 2000, seed: 0, zero_predictor_risk: 7.75, cov_eigs: [0.25, 0.5, 1, 2, 4] });
    expect(r.noise_variance).toBeCloseTo(0.01, 15);
    expect(r.learners.map((l) => l.name)).toEqual(['preconditioned_gd', 'gd', 'preconditioned_gd']);
    const opt = r.learners[0]!;
    expect(opt.risk_closed_form).toBeCloseTo(1.5896118385710027, 15);
    expect(opt.params.gamma).toHaveLength(5);
    expect(opt.params.gamma_lambda_eigs?.[0]).toBeCloseTo(0.8718395815170008, 15);
    expect(opt.params.gamma_source).toMatch(/closed form/); // passed through as the core sent it
    expect(r.learners[1]!.params.etas).toEqual([0.2505380874833449]);
    expect(opt.closed_form_at_lengths).toEqual([]);
  });

  it('keeps a null closed form and its note (OLS at the spike), and null for learners without lengths', () => {
    const r = toIclResponse(NOISY_K8_RESPONSE);
    const ols = r.learners[2]!;
    expect(ols.name).toBe('ols');
    expect(ols.risk_closed_form).toBeNull();
    expect(ols.closed_form_note).toMatch(/^infinite/);
    expect(ols.closed_form_at_lengths).toBeNull();
    expect(r.learners[3]!.risk_closed_form_se).toBeGreaterThan(0); // ridge's trace estimator
    expect(r.learners[3]!.params.lambda).toBe(0.25);
  });

  it('accepts Maps (serde-wasm-bindgen), a BigInt seed, typed arrays and Infinity', () => {
    const learner = new Map<string, unknown>([
      ['name', 'gd'],
      ['risk', 1.5],
      ['risk_se', 0.1],
      ['risk_closed_form', Infinity],
      ['params', new Map([['etas', new Float64Array([0.5])]])],
      ['closed_form_at_lengths', [2, null, 1]],
    ]);
    const raw = new Map<string, unknown>([
      ['d', 2], ['n', 3], ['tasks', 10], ['seed', 7n], ['noise_variance', 0], ['zero_predictor_risk', 2], ['cov_eigs', [1, 1]], ['learners', [learner]],
    ]);
    const r = toIclResponse(raw);
    expect(r.seed).toBe(7);
    const l = r.learners[0]!;
    expect(l.risk_closed_form).toBe(Infinity);
    expect(l.params.etas).toEqual([0.5]);
    expect(l.closed_form_at_lengths).toEqual([2, Number.NaN, 1]); // indices still match the request's lengths
    expect(l.closed_form_note).toBeNull();
  });

  it('drops malformed known parameters and reads missing optional numbers as null', () => {
    const r = toIclResponse({
      d: 2, n: 3, tasks: 10, seed: 0, noise_variance: 0, zero_predictor_risk: 2, cov_eigs: [1, 1],
      learners: [{ name: 'preconditioned_gd', risk: null, params: { gamma: [[1, 2]], gamma_eigs: ['x'], lambda: 'big', solver: 'svd' } }],
    });
    const l = r.learners[0]!;
    expect(l.risk).toBeNull();
    expect(l.risk_se).toBeNull();
    expect(l.risk_closed_form).toBeNull();
    expect(l.params).toEqual({ solver: 'svd' });
  });

  it('rejects an answer without its required fields, naming the field', () => {
    expect(() => toIclResponse(null)).toThrow(/not an object/);
    expect(() => toIclResponse({ d: 2, n: 3, learners: {} })).toThrow(/learners is not an array/);
    expect(() => toIclResponse({ d: 2, n: 3, tasks: 1, seed: 0, noise_variance: 0, learners: [] })).toThrow(/zero_predictor_risk/);
    expect(() => toIclResponse({ d: 2, n: 3, tasks: 1, seed: 0, noise_variance: 0, zero_predictor_risk: 1, learners: [{ risk: 1 }] })).toThrow(/learners\[0\]\.name/);
  });
});
