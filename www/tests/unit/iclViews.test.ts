// V5 and V10's page logic: the requests, the response checks, and what the charts draw from a hand-made answer.
import { describe, expect, it } from 'vitest';
import { toRnnPanel, toTrajectory } from '../../src/engine/iclViewNormalize';
import type { RnnPanelData } from '../../src/engine/iclViewTypes';
import { outputDomain, outputTraces, rnnRequest, stateLabels } from '../../src/lib/iclRnnPanel';
import { checkTrajectory, DEFAULT_TRAJECTORY, STEPS, streamingFrame, trajectoryPlane, trajectoryRequest } from '../../src/lib/iclTrajectory';

/** A 2-step trajectory as the core writes it (numbers made up, shapes real). */
function rawTrajectory(): Record<string, unknown> {
  return {
    w_true: [1, 0.5],
    x: [[1, 0], [0, 1], [1, 1]],
    y: [1.1, 0.4, 1.6],
    ols: [1.05, 0.45],
    loss: { centre: [1.05, 0.45], hessian: [[2 / 3, 1 / 3], [1 / 3, 2 / 3]], hessian_eigs: [1, 1 / 3], minimum: 0.01, at_zero: 0.8, levels: [0.8, 0.2] },
    ridge_path: [{ lambda: 100, w: [0.02, 0.01] }, { lambda: 1e-8, w: [1.05, 0.45] }],
    ridge_bayes: [0.9, 0.4],
    eta: 0.5,
    eta_source: 'given',
    eta_stable: true,
    gd: [[0, 0], [0.45, 0.33], [0.7, 0.4]],
    gd_loss: [0.8, 0.3, 0.1],
    lsa: [[0, 0], [0.45, 0.33], [0.7, 0.4]],
    lsa_max_abs_diff_vs_gd: 1e-16,
    gd_pp: null,
    streaming: { k: [1, 2], ols: [[9, 0], [1, 0.4]], ridge: [[0.5, 0], [0.9, 0.4]], gd: [[0.3, 0], [0.5, 0.2]], gd_etas: [0.2, 0.3], ridge_lambda: 0.25 },
  };
}

const panel: RnnPanelData = {
  projections: 'tokens',
  decay: 1,
  d_k: 3,
  d_v: 3,
  tokens: [[1, 0, 2], [0, 1, -1]],
  w_q: [], w_k: [], w_v: [],
  states: [[[1, 0, 2], [0, 0, 0], [2, 0, 4]], [[1, 0, 2], [0, 1, -1], [2, -1, 5]]],
  recurrent: [[5, 0, 10], [1, 2, -3]],
  parallel: [[5, 0, 10], [1, 2, -3]],
  max_abs_diff: 0,
  gd_prediction: null,
  eta: null,
};

describe('V5 request and checks', () => {
  it('asks for the trajectory only (no learners), GD++ only when toggled', () => {
    expect(trajectoryRequest(DEFAULT_TRAJECTORY)).toEqual({ d: 2, n: 10, noise: 0.5, seed: 1, learners: [], trajectory: { steps: STEPS, stream: 20 } });
    expect(trajectoryRequest({ ...DEFAULT_TRAJECTORY, gdPp: true, gamma: 0.3 }).trajectory?.gd_pp).toEqual({ gamma: 0.3 });
  });

  it('names the control that is wrong', () => {
    expect(checkTrajectory({ n: 0, noise: -1, seed: 1.5, gamma: null })).toEqual({
      n: expect.stringContaining('N'), noise: expect.stringContaining('σ'), seed: expect.stringContaining('seed'), gamma: expect.stringContaining('γ'),
    });
    expect(checkTrajectory({ n: 10, noise: 0, seed: 0, gamma: 0 })).toEqual({});
  });
});

describe('toTrajectory', () => {
  it('passes a well-formed answer through', () => {
    const t = toTrajectory(rawTrajectory());
    expect(t.gd).toHaveLength(3);
    expect(t.loss.hessian[1]).toEqual([1 / 3, 2 / 3]);
    expect(t.streaming.ridge_lambda).toBe(0.25);
  });

  it('names the first malformed field', () => {
    expect(() => toTrajectory({ ...rawTrajectory(), ols: [1, 2, 3] })).toThrow('trajectory.ols has 3 entries');
    expect(() => toTrajectory({ ...rawTrajectory(), gd: [[0, 'a']] })).toThrow('trajectory.gd[0][1] is not a number');
    expect(() => toTrajectory({ ...rawTrajectory(), loss: null })).toThrow('trajectory.loss is not an object');
  });
});

describe('trajectoryPlane', () => {
  it('shows the first K steps of GD and of the LSA, the whole ridge path, and contours at the levels', () => {
    const t = toTrajectory(rawTrajectory());
    const plane = trajectoryPlane(t, 1);
    const byId = Object.fromEntries(plane.paths.map((p) => [p.id, p.points]));
    expect(byId.gd).toEqual([[0, 0], [0.45, 0.33]]);
    expect(byId.lsa).toEqual(byId.gd);
    expect(byId.ridge).toHaveLength(2);
    expect(byId.gd_pp).toBeUndefined();
    expect(plane.contours.map((c) => c.level)).toEqual([0.8, 0.2]);
    expect(plane.points.map((p) => p.id)).toEqual(['w_true', 'ols', 'ridge_bayes']);
  });

  it('frames the streaming chart without min-norm OLS below k = d', () => {
    const frame = streamingFrame(toTrajectory(rawTrajectory()));
    expect(frame).not.toContainEqual([9, 0]);
    expect(frame).toContainEqual([1, 0.4]);
  });
});

describe('V10 RNN panel', () => {
  it('asks for the regression tokens of V5’s task', () => {
    expect(rnnRequest({ decay: 0.9, projections: 'tokens' })).toEqual({ d: 2, n: 10, noise: 0.5, seed: 1, learners: [], rnn: { decay: 0.9, projections: 'tokens' } });
    expect(rnnRequest({ decay: 1, projections: 'seeded' }).rnn).toMatchObject({ d_k: 4, d_v: 3 });
  });

  it('names the state by token slots', () => {
    expect(stateLabels(panel)).toEqual({ rows: ['x1', 'x2', 'y'], cols: ['x1', 'x2', 'y'] });
    expect(stateLabels({ ...panel, projections: 'gd', d_v: 1, d_k: 2 })).toEqual({ rows: ['(η/N) y'], cols: ['x1', 'x2'] });
  });

  it('draws the parallel form as the line and the streamed outputs as markers, on a still axis', () => {
    const [parallel, recurrent] = outputTraces(panel, 2);
    expect(parallel!.line).toEqual([{ x: 1, y: 10 }, { x: 2, y: -3 }]);
    expect(recurrent!.points.map((p) => [p.x, p.y])).toEqual([[1, 10], [2, -3]]);
    const [lo, hi] = outputDomain(panel, 2);
    expect(lo).toBeLessThan(-3);
    expect(hi).toBeGreaterThan(10);
  });

  it('rejects states, outputs and parallel form of different lengths', () => {
    expect(() => toRnnPanel({ ...panel, parallel: [[1, 2, 3]] })).toThrow('differ in length');
    expect(toRnnPanel(panel).states[1]![2]).toEqual([2, -1, 5]);
  });
});
