// V6: the request (Γ*, best scalar step, Newton Λ⁻¹), the Γ*λ bars by λ and the three risks, on a real CLI answer.
import { describe, expect, it } from 'vitest';
import { toIclResponse } from '../../src/engine/iclNormalize';
import { AHN_EIGS, DEFAULT_SETTING } from '../../src/lib/iclAnisotropic';
import { newtonGamma, preconditionerBars, preconditionerRequest, riskRows } from '../../src/lib/iclPreconditioner';
import { PRECONDITIONER_RESPONSE } from './iclFixtures';

describe('V6 request', () => {
  it('asks for the optimal Γ*, plain GD and the Newton preconditioner diag(1/λ)', () => {
    const r = preconditionerRequest(DEFAULT_SETTING);
    expect(r).toMatchObject({ d: 5, n: 20, noise: 0.1, rotate: false, prior: 'identity', cov_eigs: [0.25, 0.5, 1, 2, 4] });
    expect(r.learners.map((l) => l.name)).toEqual(['preconditioned_gd', 'gd', 'preconditioned_gd']);
    expect(r.learners[0]).toEqual({ name: 'preconditioned_gd' });
    expect(r.learners[2]!.gamma).toEqual([
      [4, 0, 0, 0, 0],
      [0, 2, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 0.5, 0],
      [0, 0, 0, 0, 0.25],
    ]);
  });

  it('keeps the Newton Γ plain JSON when a λ is not positive (the core rejects that λ first)', () => {
    expect(newtonGamma([2, 0, -1])).toEqual([
      [0.5, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(newtonGamma(AHN_EIGS)[3]![3]).toBe(16);
  });
});

describe('V6 data', () => {
  const response = toIclResponse(PRECONDITIONER_RESPONSE);

  it('pairs the eigenvalues of Γ*Λ with λ by rank, λ ascending: (0.384, 0.548, 0.695, 0.804, 0.872)', () => {
    const bars = preconditionerBars(response);
    expect(bars.map((b) => b.lambda)).toEqual([0.25, 0.5, 1, 2, 4]);
    expect(bars.map((b) => b.value)).toEqual([0.38431975403535745, 0.547645125958379, 0.6954102920723227, 0.8038585209003214, 0.8718395815170008]);
    // Unrotated Λ: the bar equals diag(Γ*)_i λ_i for the same i.
    const gamma = response.learners[0]!.params.gamma!;
    bars.forEach((b, i) => expect(b.value).toBeCloseTo(gamma[i]![i]! * response.cov_eigs[i]!, 12));
  });

  it('has no bars when Γ*Λ’s eigenvalues are missing or do not match d', () => {
    const broken = { ...response, learners: [{ ...response.learners[0]!, params: {} }] };
    expect(preconditionerBars(broken)).toEqual([]);
  });

  it('lists the three risks in role order: 1.590, 2.410, 2.328 in closed form, each with Monte Carlo ± SE', () => {
    const rows = riskRows(response);
    expect(rows.map((r) => r.id)).toEqual(['optimal', 'scalar', 'newton']);
    expect(rows.map((r) => r.closedForm)).toEqual([1.5896118385710027, 2.410407010511212, 2.327500000000001]);
    expect(rows[2]!.mc).toBe(2.567774494488806);
    expect(rows[2]!.se).toBe(0.17381108492101194);
  });
});
