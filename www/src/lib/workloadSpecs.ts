// The workload registry built from the core's catalog (ranges, defaults, RoPE defaults, limits), with lookups and range checks.
import type { Catalog, CoreLimits, ParamSpec, WorkloadCard } from '../engine/types';
import { FALLBACK_SPECS, type ExtraSpec, type SizeLimits, type WorkloadInfo, type WorkloadSpecs } from './workloads';

/**
 * The registry for this catalog: the page's kinds that the core lists, in the page's order, with the core's
 * parameters, ranges, defaults and RoPE default; the core's limits. Without a catalog, or for anything the
 * core did not send (an older core, malformed entries), the page's fallback table.
 */
export function workloadSpecs(catalog: Catalog | null): WorkloadSpecs {
  if (!catalog) return FALLBACK_SPECS;
  const cards = new Map(catalog.workloads.map((c) => [c.kind, c]));
  const kinds = FALLBACK_SPECS.kinds.flatMap((page) => {
    const card = cards.get(page.kind);
    return card ? [fromCard(page, card)] : [];
  });
  return { kinds: kinds.length > 0 ? kinds : FALLBACK_SPECS.kinds, limits: fromCoreLimits(catalog.limits) };
}

function fromCard(page: WorkloadInfo, card: WorkloadCard): WorkloadInfo {
  const extras = card.params.flatMap((p) => {
    const e = fromParam(p, page.extras.find((x) => x.name === p.name));
    return e ? [e] : [];
  });
  return { ...page, ropeDefault: card.rope_default, extras };
}

/** A numeric parameter with a finite range becomes a control; others (none today) keep the core's default. */
function fromParam(p: ParamSpec, page: ExtraSpec | undefined): ExtraSpec | null {
  if (p.kind !== 'number' && p.kind !== 'integer') return null;
  if (p.min === null || p.max === null || p.min > p.max) return null;
  const fallback = page?.default ?? p.min;
  const given = typeof p.default === 'number' && p.default >= p.min && p.default <= p.max ? p.default : null;
  return {
    name: p.name,
    label: page?.label ?? p.name,
    integer: p.kind === 'integer',
    min: p.min,
    max: p.max,
    default: given ?? Math.min(Math.max(fallback, p.min), p.max),
    hint: page?.hint ?? p.description,
  };
}

function fromCoreLimits(core: Partial<CoreLimits>): SizeLimits {
  const f = FALLBACK_SPECS.limits;
  return {
    n: { min: 1, max: core.n_max ?? f.n.max },
    d_k: { min: 1, max: core.d_k_max ?? f.d_k.max },
    d_v: { min: 1, max: core.d_v_max ?? f.d_v.max },
    seed: f.seed,
    attentionN: core.attention_n_max ?? f.attentionN,
    statsN: core.stats_n_max ?? f.statsN,
  };
}

export function workloadInfo(specs: WorkloadSpecs, kind: string): WorkloadInfo | null {
  return specs.kinds.find((w) => w.kind === kind) ?? null;
}

/** The first kind that has an extra parameter of this name (to say where it belongs), or null. */
export function kindWithExtra(specs: WorkloadSpecs, name: string): WorkloadInfo | null {
  return specs.kinds.find((w) => w.extras.some((e) => e.name === name)) ?? null;
}

export function checkExtra(spec: ExtraSpec, v: unknown): string | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${spec.name} must be a number`;
  if (spec.integer && !Number.isInteger(v)) return `${spec.name} must be a whole number, got ${v}`;
  if (v < spec.min || v > spec.max) return `${spec.name} must be between ${spec.min} and ${spec.max}, got ${v}`;
  return null;
}
