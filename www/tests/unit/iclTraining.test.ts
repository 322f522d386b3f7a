// V2/V3: the request, the closed forms, the series, the summary, the construction and its rescaling invariance.
import { describe, expect, it } from 'vitest';
import type { IclLearnerResult, IclResponse, TrainCurvePoint } from '../../src/engine/iclTypes';
import {
  alignmentSeries,
  checkControl,
  constructedWeights,
  DEFAULT_TRAIN,
  diagonalProduct,
  gaussianClosedForms,
  learnedGammaDiag,
  TRAIN_SETTINGS,
  lossRules,
  lossSeries,
  maxAbs,
  rescale,
  summarize,
  trainedWeights,
  trainRequest,
  v2ClosedForms,
} from '../../src/lib/iclTraining';

const point = (step: number, loss: number): TrainCurvePoint => ({ step, loss, eval_loss: loss - 0.01, cos: step / 100, model_diff: 2 - step / 50, preds_diff: 0.5, gamma_diag: null });

describe('closed forms of the ZFB setting (icl.md F4)', () => {
  it('give Γ* = (1.537, 1.095, 0.695, 0.402, 0.218) and R* = 1.590', () => {
    const c = gaussianClosedForms([0.25, 0.5, 1, 2, 4], 20, 0.1);
    [1.537, 1.095, 0.695, 0.402, 0.218].forEach((g, i) => expect(c.gamma[i]).toBeCloseTo(g, 3));
    expect(2 * c.gdLoss - 0.01).toBeCloseTo(1.59, 2);
    expect(c.zeroLoss).toBeCloseTo((7.75 + 0.01) / 2, 12);
  });
});

describe('V2 closed forms (icl.md F2, von Oswald setting)', () => {
  it('give η* = 6.061, the one-step loss 0.2062 and the zero predictor 0.4167', () => {
    const c = v2ClosedForms();
    expect(c.eta).toBeCloseTo(6.0606, 4);
    expect(c.gdLoss).toBeCloseTo(0.20623, 5);
    expect(c.zeroLoss).toBeCloseTo(5 / 12, 10);
  });
  it('label the GD rule with η* and η*/N', () => {
    const [gd, zero] = lossRules(0.2062, 0.4167, 6.0606, 10);
    expect(gd!.label).toContain('η* = 6.06');
    expect(gd!.label).toContain('η*/N = 0.606');
    expect(zero!.y).toBe(0.4167);
  });
});

describe('the training request', () => {
  it("is von Oswald's task with the trained LSA first and the one-step optimum second", () => {
    const r = trainRequest(DEFAULT_TRAIN);
    expect(r).toMatchObject({ d: 10, n: 10, x: 'uniform', x_range: 0.5, seed: 1 });
    expect(r.learners[0]).toMatchObject({ name: 'lsa', layers: 1, train: { steps: 1000, batch: 2048, lr: 0.001, schedule: 'constant', seed: 1, log_every: 20 } });
    expect(r.learners[0]!.parameterization).toBeUndefined();
    expect(r.learners[1]).toEqual({ name: 'preconditioned_gd', gamma: 'optimal' });
  });
  it('in the ZFB setting trains the sparse parameterisation on anisotropic noisy inputs with a cosine schedule', () => {
    const zfb = TRAIN_SETTINGS[1]!;
    const r = trainRequest(zfb.defaults, zfb);
    expect(r).toMatchObject({ d: 5, n: 20, cov_eigs: [0.25, 0.5, 1, 2, 4], noise: 0.1 });
    expect(r.learners[0]).toMatchObject({ name: 'lsa', parameterization: 'sparse', train: { steps: 600, batch: 1024, lr: 0.003, schedule: 'cosine' } });
  });
  it('checks its controls', () => {
    expect(checkControl('steps', 0)).toContain('between');
    expect(checkControl('batch', 1.5)).toBe('a whole number');
    expect(checkControl('lr', null)).toBe('a number');
    expect(checkControl('lr', 0.003)).toBeNull();
  });
});

describe('V2 series', () => {
  it('plot the batch and evaluation losses and the three alignment metrics against the step', () => {
    const points = [point(0, 0.41), point(50, 0.3), point(100, 0.21)];
    const [train, evalLoss] = lossSeries(points);
    expect(train!.line).toEqual([{ x: 0, y: 0.41 }, { x: 50, y: 0.3 }, { x: 100, y: 0.21 }]);
    expect(evalLoss!.line[2]!.x).toBe(100);
    expect(evalLoss!.line[2]!.y).toBeCloseTo(0.2, 15);
    const [cos, model, preds] = alignmentSeries(points);
    expect(cos!.line.map((p) => p!.y)).toEqual([0, 0.5, 1]);
    expect(model!.line.map((p) => p!.y)).toEqual([2, 1, 0]);
    expect(preds!.line.every((p) => p!.y === 0.5)).toBe(true);
  });
});

const learner = (over: Partial<IclLearnerResult>): IclLearnerResult => ({
  name: 'lsa',
  risk: 0.41,
  risk_se: 0.004,
  risk_closed_form: null,
  risk_closed_form_se: null,
  closed_form_note: null,
  params: {},
  closed_form_at_lengths: null,
  ...over,
});

describe('the V2 summary', () => {
  it('halves the scored excess risk into the vO loss and compares it with the closed form', () => {
    const response: IclResponse = {
      d: 10, n: 10, tasks: 20000, seed: 1, noise_variance: 0, zero_predictor_risk: 0.8333, cov_eigs: [],
      learners: [
        learner({ params: { reference: { loss_closed_form: 0.2, zero_loss: 0.4167, etas: [6.06] }, eta_effective: 6.05, offdiag_ratio: 0.007 } }),
        learner({ name: 'gd', risk: 0.4124 }),
      ],
    };
    const s = summarize(response)!;
    expect(s.finalLoss).toBeCloseTo(0.205, 12);
    expect(s.finalLossSe).toBeCloseTo(0.002, 12);
    expect(s.gap).toBeCloseTo(0.025, 12);
    expect(s.gdLoss).toBeCloseTo(0.2062, 12);
    expect(s.etaEffective).toBe(6.05);
    expect(s.offdiagRatio).toBe(0.007);
  });
  it('is null without the reference', () => {
    expect(summarize({ d: 1, n: 1, tasks: 1, seed: 0, noise_variance: 0, zero_predictor_risk: 1, cov_eigs: [], learners: [learner({})] })).toBeNull();
  });
});

describe('V3 weights', () => {
  it('the construction has I on the x-block of W_KQ and −η/N at W_PV[y, y]', () => {
    const w = constructedWeights(10, [6, 6, 6]);
    expect(w.wKQ).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]]);
    expect(w.wPV[3]![3]).toBeCloseTo(-0.6, 15);
    expect(w.wPV.flat().filter((v) => v !== 0)).toHaveLength(1);
    expect(diagonalProduct(w)).toBeCloseTo(-0.6, 15);
  });
  it('for a preconditioner, −N·(W_KQ)ᵢᵢ·(W_PV)_yy of the construction is Γᵢ', () => {
    const gamma = [1.5, 0.7, 0.2];
    const got = learnedGammaDiag(constructedWeights(20, gamma), 20);
    got.forEach((g, i) => expect(g).toBeCloseTo(gamma[i]!, 14));
  });
  it('rescaling by c keeps every product (W_KQ)ᵢᵢ·(W_PV)_yy', () => {
    const w = { wKQ: [[0.7, 0.01], [0.02, 0.0]], wPV: [[0.0, 0.0], [0.003, -0.85]] };
    for (const c of [0.1, 0.5, 3, 10]) {
      const r = rescale(w, c);
      expect(r.wKQ[0]![0]).toBeCloseTo(0.7 * c, 14);
      expect(diagonalProduct(r)).toBeCloseTo(diagonalProduct(w), 14);
    }
    expect(maxAbs(w.wKQ, w.wPV)).toBe(0.85);
  });
  it('reads layer 0, head 0 of the trained weights and rejects malformed ones', () => {
    const good = learner({ params: { weights: [[{ w_kq: [[1, 2], [3, 4]], w_pv: [[0, 0], [0, -1]] }]] } });
    expect(trainedWeights(good)).toEqual({ wKQ: [[1, 2], [3, 4]], wPV: [[0, 0], [0, -1]] });
    expect(trainedWeights(learner({ params: { weights: [[{ w_kq: [[1, 2]], w_pv: [[0]] }]] } }))).toBeNull();
    expect(trainedWeights(undefined)).toBeNull();
  });
});
