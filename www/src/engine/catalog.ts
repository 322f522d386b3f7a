// Turns the core's catalog() (plain objects or Maps) into typed variant and workload cards and limits, dropping malformed ones.
import { toPlain } from './normalize';
import type { Catalog, CatalogEntry, CoreLimits, ParamKind, ParamSpec, ParamValue, WorkloadCard } from './types';

type Obj = Record<string, unknown>;
const KINDS: ParamKind[] = ['number', 'integer', 'boolean', 'string', 'vector', 'matrix'];
const NAME = /^[a-z0-9_]+$/;
const LIMIT_KEYS: (keyof CoreLimits)[] = ['n_max', 'd_k_max', 'd_v_max', 'attention_n_max', 'stats_n_max'];

/** What the worker reports when the core has no catalog() (the page then says so). */
export const EMPTY_CATALOG: Catalog = { variants: [], workloads: [], limits: {} };

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const optNum = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

function toParam(raw: unknown): ParamSpec | null {
  const o = obj(raw);
  const kind = o.kind as ParamKind;
  if (typeof o.name !== 'string' || !KINDS.includes(kind)) return null;
  const choices = Array.isArray(o.choices) ? o.choices.filter((c): c is string => typeof c === 'string') : null;
  return {
    name: o.name,
    kind,
    default: (o.default ?? null) as ParamValue | null,
    default_note: typeof o.default_note === 'string' ? o.default_note : null,
    min: optNum(o.min),
    max: optNum(o.max),
    log_scale: o.log_scale === true,
    description: str(o.description),
    choices: choices && choices.length > 0 ? choices : null,
  };
}

export function toCatalogEntry(raw: unknown): CatalogEntry | null {
  const o = obj(raw);
  if (typeof o.name !== 'string' || !NAME.test(o.name)) return null;
  const paper = obj(o.paper);
  const cost = obj(o.cost);
  const supports = obj(o.supports);
  return {
    name: o.name,
    title: str(o.title, o.name),
    family: str(o.family, 'other'),
    idea: str(o.idea),
    paper: { title: str(paper.title), authors: str(paper.authors), venue: str(paper.venue), year: optNum(paper.year) },
    spec_section: str(o.spec_section),
    cost: { time: str(cost.time), memory: str(cost.memory) },
    row_normalized: o.row_normalized !== false,
    signed: o.signed === true,
    supports: { causal: supports.causal !== false, non_causal: supports.non_causal !== false },
    params: (Array.isArray(o.params) ? o.params : []).map(toParam).filter((p): p is ParamSpec => p !== null),
    formula_tex: str(o.formula_tex),
    confirmed: o.confirmed !== false,
  };
}

/** A workload kind's card; null without a kind name. Malformed params are dropped. */
export function toWorkloadCard(raw: unknown): WorkloadCard | null {
  const o = obj(raw);
  if (typeof o.kind !== 'string' || !NAME.test(o.kind)) return null;
  return {
    kind: o.kind,
    idea: str(o.idea),
    rope_default: o.rope_default === true,
    params: (Array.isArray(o.params) ? o.params : []).map(toParam).filter((p): p is ParamSpec => p !== null),
  };
}

/** The limits that are positive whole numbers; the others are left out. */
export function toCoreLimits(raw: unknown): Partial<CoreLimits> {
  const o = obj(raw);
  const out: Partial<CoreLimits> = {};
  for (const key of LIMIT_KEYS) {
    const v = o[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[key] = v;
  }
  return out;
}

export function toCatalog(raw: unknown): Catalog {
  const o = obj(toPlain(raw));
  const list = Array.isArray(o.variants) ? o.variants : [];
  const cards = (Array.isArray(o.workloads) ? o.workloads : []).map(toWorkloadCard).filter((c): c is WorkloadCard => c !== null);
  return {
    variants: list.map(toCatalogEntry).filter((e): e is CatalogEntry => e !== null),
    workloads: cards.filter((c, i) => cards.findIndex((d) => d.kind === c.kind) === i),
    limits: toCoreLimits(o.limits),
  };
}

/** Families in first-seen order, each with its entries. */
export function byFamily(catalog: Catalog): { family: string; entries: CatalogEntry[] }[] {
  const groups = new Map<string, CatalogEntry[]>();
  for (const e of catalog.variants) {
    const list = groups.get(e.family) ?? [];
    list.push(e);
    groups.set(e.family, list);
  }
  return [...groups].map(([family, entries]) => ({ family, entries }));
}

export function findEntry(catalog: Catalog, name: string): CatalogEntry | null {
  return catalog.variants.find((e) => e.name === name) ?? null;
}
