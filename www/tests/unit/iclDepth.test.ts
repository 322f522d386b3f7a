// V4: the live request (GD fitted η for K = 1…5, GD++ with Table F6a's shared (η, γ)), the vO losses and the series.
import { describe, expect, it } from 'vitest';
import type { IclLearnerResult, IclResponse } from '../../src/engine/iclTypes';
import { depthRequest, depthSeries, GDPP_SHARED, TABLE_F6A, trainedDepthRequest, vOLosses } from '../../src/lib/iclDepth';

const result = (risk: number): IclLearnerResult => ({
  name: 'gd', risk, risk_se: 0.002, risk_closed_form: null, risk_closed_form_se: null, closed_form_note: null, params: {}, closed_form_at_lengths: null,
});
const response = (risks: number[]): IclResponse => ({ d: 10, n: 10, tasks: 1, seed: 1, noise_variance: 0, zero_predictor_risk: 0.8333, cov_eigs: [], learners: risks.map(result) });

describe('V4 requests', () => {
  it('score GD with a fitted η for K = 1…5 and GD++ with the table’s shared (η, γ) for K = 2…5, in von Oswald’s setting', () => {
    const r = depthRequest();
    expect(r).toMatchObject({ d: 10, n: 10, x: 'uniform', x_range: 0.5 });
    expect(r.learners.slice(0, 5).map((l) => [l.name, l.steps, l.eta])).toEqual([1, 2, 3, 4, 5].map((k) => ['gd', k, 'optimal']));
    expect(r.learners[5]).toEqual({ name: 'gd_pp', etas: [13.6, 13.6], gammas: [1.76, 1.76] });
    expect(r.learners[8]).toEqual({ name: 'gd_pp', etas: [32, 32, 32, 32, 32], gammas: [2.1, 2.1, 2.1, 2.1, 2.1] });
    expect(Object.keys(GDPP_SHARED)).toEqual(['2', '3', '4', '5']);
  });
  it('train 1-, 2- and 3-layer LSAs in one request', () => {
    const r = trainedDepthRequest(2000, 256);
    expect(r.learners.map((l) => [l.name, l.layers])).toEqual([['lsa', 1], ['lsa', 2], ['lsa', 3]]);
    expect(r.learners[2]!.train).toMatchObject({ steps: 2000, batch: 256, lr: 0.003, schedule: 'cosine' });
  });
});

describe('V4 series', () => {
  it('halve the risks into vO losses, GD++ at K = 1 being one GD step', () => {
    const live = response([0.4124, 0.31, 0.26, 0.24, 0.22, 0.22, 0.155, 0.124, 0.105]);
    expect(vOLosses(live)[0]!.loss).toBeCloseTo(0.2062, 12);
    expect(vOLosses(live)[0]!.se).toBeCloseTo(0.001, 12);
    const s = depthSeries(live, null);
    const gd = s.find((x) => x.id === 'gd')!;
    const gdpp = s.find((x) => x.id === 'gdpp')!;
    expect(gd.points.map((p) => p.x)).toEqual([1, 2, 3, 4, 5]);
    expect(gdpp.points.map((p) => p.y)).toEqual([0.2062, 0.11, 0.0775, 0.062, 0.0525]);
    const perLayer = s.find((x) => x.id === 'ref-gdpp-per-layer')!;
    expect(perLayer.points).toEqual([]);
    expect(perLayer.line.map((p) => p!.y)).toEqual([...TABLE_F6A.gdppPerLayer]);
    expect(s.find((x) => x.id === 'trained')).toBeUndefined();
    const withTrained = depthSeries(live, response([0.41, 0.3, 0.25]));
    expect(withTrained.find((x) => x.id === 'trained')!.points.map((p) => p.x)).toEqual([1, 2, 3]);
  });
});
