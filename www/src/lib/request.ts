// Control values → validated engine Requests (one per variant), and core error fields → controls.
import type { Request, VariantName, VariantSpec } from '../engine/types';

/** What the user set. Numbers are null while a number box is empty. */
export type Controls = {
  n: number | null;
  d_k: number | null;
  seed: number | null;
  causal: boolean;
  temperature: number | null;
};

export type ControlName = 'n' | 'd_k' | 'seed' | 'causal' | 'temperature';

export type FieldErrors = Partial<Record<ControlName, string>>;

export const DEFAULT_CONTROLS: Controls = { n: 64, d_k: 16, seed: 1, causal: false, temperature: 1 };

/** Variants shown side by side, in display order. */
export const VARIANTS: readonly VariantName[] = ['softmax', 'linear_elu'];

export const VARIANT_LABEL: Record<VariantName, string> = {
  softmax: 'softmax',
  linear_elu: 'linear (elu+1)',
};

/** Limits (the core enforces the same; the maps need the N×N matrix, so n stops at 1024 here). */
export const LIMITS = {
  n: { min: 1, max: 1024 },
  d_k: { min: 1, max: 256 },
  seed: { min: 0, max: 4294967295 },
  temperature: { min: 0.001, max: 1000 },
} as const;

function checkInt(v: number | null, name: string, min: number, max: number): string | undefined {
  if (v === null || !Number.isFinite(v)) return `${name} must be a whole number`;
  if (!Number.isInteger(v)) return `${name} must be a whole number, got ${v}`;
  if (v < min || v > max) return `${name} must be between ${min} and ${max}, got ${v}`;
  return undefined;
}

/** Client-side checks; an empty object means the controls make a valid request. */
export function validateControls(c: Controls): FieldErrors {
  const errors: FieldErrors = {};
  const n = checkInt(c.n, 'n', LIMITS.n.min, LIMITS.n.max);
  if (n) errors.n = c.n !== null && c.n > LIMITS.n.max && c.n <= 65536
    ? `n must be at most ${LIMITS.n.max} to draw the N×N attention map, got ${c.n}`
    : n;
  const dk = checkInt(c.d_k, 'd_k', LIMITS.d_k.min, LIMITS.d_k.max);
  if (dk) errors.d_k = dk;
  const seed = checkInt(c.seed, 'seed', LIMITS.seed.min, LIMITS.seed.max);
  if (seed) errors.seed = seed;
  const t = c.temperature;
  if (t === null || !Number.isFinite(t)) errors.temperature = 'temperature must be a number';
  else if (t <= 0) errors.temperature = `temperature must be > 0, got ${t}`;
  else if (t < LIMITS.temperature.min || t > LIMITS.temperature.max) {
    errors.temperature = `temperature must be between ${LIMITS.temperature.min} and ${LIMITS.temperature.max}, got ${t}`;
  }
  return errors;
}

export function variantSpec(name: VariantName, c: Controls): VariantSpec {
  return name === 'softmax' ? { name: 'softmax', temperature: c.temperature ?? 1 } : { name: 'linear_elu' };
}

/**
 * The exact Request the page sends for one variant: also what `attnscope eval` takes on stdin.
 * Throws if the controls are invalid (call validateControls first).
 */
export function buildRequest(name: VariantName, c: Controls): Request {
  const errors = validateControls(c);
  const first = Object.values(errors)[0];
  if (first) throw new Error(`buildRequest: ${first}`);
  const d_k = c.d_k as number;
  return {
    variant: variantSpec(name, c),
    causal: c.causal,
    workload: { kind: 'gaussian', n: c.n as number, d_k, d_v: d_k, seed: c.seed as number },
    backend: 'auto',
    outputs: ['attention', 'stats'],
  };
}

/** The shell line that reproduces a request with the native CLI. */
export function cliCommand(request: Request): string {
  return `echo '${JSON.stringify(request)}' | attnscope eval`;
}

/**
 * Which control a core error field belongs to ("workload.n", "n", "variant.temperature"…);
 * null when it belongs to none (then the banner shows it).
 */
export function controlForField(field: string): ControlName | null {
  const last = field.split(/[.[\]/]/).filter(Boolean).pop() ?? '';
  switch (last) {
    case 'n':
    case 'outputs': // the N×N budget: "outputs" names the limit n hit
      return 'n';
    case 'd_k':
    case 'd_v':
      return 'd_k';
    case 'seed':
      return 'seed';
    case 'temperature':
      return 'temperature';
    case 'causal':
      return 'causal';
    default:
      return null;
  }
}
