// V6, the learned preconditioner: the request (Γ*, best scalar step, Newton Λ⁻¹), the Γ*λ bars and the three risks.
import type { IclRequest, IclResponse } from '../engine/iclTypes';
import { baseRequest, type AnisotropicSetting } from './iclAnisotropic';
import { learnerAt } from './iclResponse';

/** The three one-step learners, in request order. */
export const PRECONDITIONER_ROLES = [
  { id: 'optimal', label: 'optimal preconditioner Γ* (a trained one-layer LSA)' },
  { id: 'scalar', label: 'plain GD, best scalar step η*' },
  { id: 'newton', label: 'Newton step Γ = Λ⁻¹' },
] as const;

export type PreconditionerRole = (typeof PRECONDITIONER_ROLES)[number]['id'];

/**
 * Newton's preconditioner diag(1/λ) (the request sets rotate: false, so Λ is diagonal). A λ ≤ 0 gets 0 so the
 * request stays plain JSON; the core rejects that λ itself (cov_eigs[i]) before it reads any learner.
 */
export function newtonGamma(eigs: readonly number[]): number[][] {
  return eigs.map((_, i) => eigs.map((l, j) => (i === j && l > 0 ? 1 / l : 0)));
}

export function preconditionerRequest(s: AnisotropicSetting): IclRequest {
  return {
    ...baseRequest(s),
    learners: [{ name: 'preconditioned_gd' }, { name: 'gd' }, { name: 'preconditioned_gd', gamma: newtonGamma(s.eigs) }],
  };
}

/** One bar: Γ*λ along the eigen-direction of λ (1 would be Newton's full step). */
export type Bar = { lambda: number; value: number };

/**
 * The bars, by λ ascending. The core gives the eigenvalues of Γ*Λ (largest first) and Λ's eigenvalues; they pair
 * by rank because Γ*λ grows with λ under both priors (F4a: λ/((1 + 1/N)λ + (tr Λ + σ²)/N); F4b: a constant).
 */
export function preconditionerBars(response: IclResponse): Bar[] {
  const optimal = learnerAt(response, 0, 'preconditioned_gd');
  const products = optimal?.params.gamma_lambda_eigs;
  if (!products || products.length !== response.cov_eigs.length) return [];
  const lambdas = [...response.cov_eigs].sort((a, b) => a - b);
  const values = [...products].sort((a, b) => a - b);
  return lambdas.map((lambda, i) => ({ lambda, value: values[i]! }));
}

export type RiskRow = {
  id: PreconditionerRole;
  label: string;
  /** Monte Carlo excess risk and its standard error. */
  mc: number | null;
  se: number | null;
  closedForm: number | null;
  note: string | null;
};

/** The three learners' risks, in PRECONDITIONER_ROLES order. */
export function riskRows(response: IclResponse): RiskRow[] {
  const names = ['preconditioned_gd', 'gd', 'preconditioned_gd'];
  return PRECONDITIONER_ROLES.map((role, i) => {
    const r = learnerAt(response, i, names[i]!);
    return {
      id: role.id,
      label: role.label,
      mc: r?.risk ?? null,
      se: r?.risk_se ?? null,
      closedForm: r?.risk_closed_form ?? null,
      note: r?.closed_form_note ?? null,
    };
  });
}
