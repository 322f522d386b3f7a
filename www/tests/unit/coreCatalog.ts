// The workload half of the core's catalog() as the wasm core sends it (src/workload/catalog.rs), and its registry.
import { toCatalog } from '../../src/engine/catalog';
import type { Catalog } from '../../src/engine/types';
import { workloadSpecs } from '../../src/lib/workloadSpecs';

/** Loosely typed, so tests can break it on purpose. */
type RawParam = { name: string; kind: string; default?: unknown; min?: number; max?: number } & Record<string, unknown>;
type RawCard = { kind: string; idea: string; rope_default: boolean; params: RawParam[] };
type RawCatalog = { variants: unknown[]; workloads: RawCard[]; limits: Record<string, number> };

const count = (name: string, dflt: number, description: string): RawParam => ({
  name, kind: 'integer', default: dflt, min: 1, max: 4096, log_scale: true, required: false, description,
});
const number = (name: string, dflt: number, max: number, description: string): RawParam => ({
  name, kind: 'number', default: dflt, min: 0, max, log_scale: false, required: false, description,
});

/** `{workloads, limits}` of `attnscope catalog`, with one variant so the catalog is not empty. */
export const CORE_CATALOG_RAW: RawCatalog = {
  variants: [{ name: 'softmax', params: [] }],
  workloads: [
    { kind: 'gaussian', idea: 'Q, K, V with iid N(0, 1) entries: no structure at all.', rope_default: false, params: [] },
    { kind: 'clustered', idea: 'Queries and keys around a few centres.', rope_default: false, params: [count('clusters', 4, 'number of centres'), number('spread', 0.3, 10, 'noise around each centre')] },
    { kind: 'local', idea: 'One shared direction.', rope_default: true, params: [number('strength', 3, 10, 'norm of the shared direction')] },
    { kind: 'copy', idea: 'A pattern repeating with a period.', rope_default: false, params: [count('period', 8, 'tokens per repeat')] },
    { kind: 'recall', idea: 'Stored key–value pairs.', rope_default: false, params: [count('pairs', 8, 'stored key–value pairs')] },
    { kind: 'given', idea: 'Your own Q, K, V as arrays of rows.', rope_default: false, params: [] },
  ],
  limits: { n_max: 65536, d_k_max: 256, d_v_max: 256, attention_n_max: 2048, stats_n_max: 1024 },
};

export const CORE_CATALOG: Catalog = toCatalog(CORE_CATALOG_RAW);
export const CORE_SPECS = workloadSpecs(CORE_CATALOG);

/** The core's catalog with some workload fields replaced (a core whose numbers differ from the page's fallback). */
export function catalogWith(change: (raw: RawCatalog) => void): Catalog {
  const raw = structuredClone(CORE_CATALOG_RAW);
  change(raw);
  return toCatalog(raw);
}
