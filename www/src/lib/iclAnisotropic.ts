// The anisotropic setting V6 and V7 share (Λ's eigenvalues, N, σ, the prior of w): reading it, its Monte Carlo budget, its errors.

/** w ~ N(0, τ² I) (ZFB, Ahn's Theorem 1) or w ~ N(0, Σ⁻¹) (Mahankali; Ahn's code). */
export type Prior = 'identity' | 'inverse_cov';

export type AnisotropicSetting = {
  /** Λ's eigenvalues; d is their count. */
  eigs: number[];
  /** Context pairs the one-layer LSA is fitted at. */
  n: number;
  noise: number;
  prior: Prior;
};

/** ZFB's and our reference covariance (icl.md F4). */
export const ZFB_EIGS: readonly number[] = [0.25, 0.5, 1, 2, 4];
/** Ahn et al.'s "rotation" covariance: D = diag(1, 1, 1/2, 1/4, 1), Σ = U D² Uᵀ. */
export const AHN_EIGS: readonly number[] = [1, 1, 0.25, 0.0625, 1];

export const DEFAULT_SETTING: AnisotropicSetting = { eigs: [...ZFB_EIGS], n: 20, noise: 0.1, prior: 'identity' };
export const SEED = 0;

/**
 * The eigenvalue box: numbers (fractions like 1/16 allowed) split by commas, semicolons or spaces. Only the
 * syntax is checked here; ranges and the count (d ≤ 64) are the core's, shown next to the box.
 */
export function parseEigs(text: string): { eigs: number[] } | { error: string } {
  const tokens = text.split(/[\s,;]+/).filter((t) => t !== '');
  const eigs: number[] = [];
  for (const t of tokens) {
    const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?:\/((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?))?$/i.exec(t);
    const v = m ? Number(m[1]) / (m[2] === undefined ? 1 : Number(m[2])) : Number.NaN;
    if (!Number.isFinite(v)) return { error: `"${t.slice(0, 20)}" is not a number` };
    eigs.push(v);
  }
  return { eigs };
}

/** The eigenvalues as the box shows them. */
export function formatEigs(eigs: readonly number[]): string {
  return eigs.map((v) => String(v)).join(', ');
}

/** About this many x coordinates (tasks · n · d) per request: the fast default setting gets 20 000 tasks. */
export const TASK_BUDGET = 2_000_000;
export const MIN_TASKS = 500;
export const MAX_TASKS = 20_000;

/** Monte Carlo tasks for one request: TASK_BUDGET / (n d), within MIN_TASKS … MAX_TASKS (the core's cap is 10⁸). */
export function monteCarloTasks(n: number, d: number): number {
  const share = Math.floor(TASK_BUDGET / Math.max(1, n * d));
  return Math.max(MIN_TASKS, Math.min(MAX_TASKS, share));
}

/** The common fields of the V6 and V7 requests: Λ diagonal (no rotation), so Λ⁻¹ is diag(1/λ). */
export function baseRequest(s: AnisotropicSetting): { d: number; n: number; noise: number; x: 'gaussian'; cov_eigs: number[]; rotate: false; prior: Prior; seed: number; tasks: number } {
  return {
    d: s.eigs.length,
    n: s.n,
    noise: s.noise,
    x: 'gaussian',
    cov_eigs: [...s.eigs],
    rotate: false,
    prior: s.prior,
    seed: SEED,
    tasks: monteCarloTasks(s.n, s.eigs.length),
  };
}

/** The setting's controls, for placing the core's errors. */
export type SettingControl = 'eigs' | 'n' | 'noise' | 'prior';

/** Which control a core error field belongs to (d, cov_eigs and the Newton Γ all come from the eigenvalue box); null: the view. */
export function controlForField(field: string): SettingControl | null {
  if (field === 'd' || field === 'cov_eigs' || field.startsWith('cov_eigs[') || /^learners\[\d+\]\.gamma/.test(field)) return 'eigs';
  if (field === 'n') return 'n';
  if (field === 'noise') return 'noise';
  if (field === 'prior') return 'prior';
  return null;
}
