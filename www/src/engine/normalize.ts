// Turns what the wasm core hands back (plain objects, Maps, arrays, Errors) into the typed contract.
import type { AdapterInfo, DeviceInfo, EngineError, MatrixF32, Response, Stats, VsSoftmax } from './types';

type Obj = Record<string, unknown>;

/** serde-wasm-bindgen emits JS Maps for Rust maps unless told otherwise: accept both. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Obj = {};
    for (const [k, v] of value) out[String(k)] = toPlain(v);
    return out;
  }
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}

function asObj(value: unknown, what: string): Obj {
  if (value === null || typeof value !== 'object') throw new Error(`engine: ${what} is not an object`);
  return value as Obj;
}

function num(o: Obj, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number') throw new Error(`engine: ${what}.${key} is not a number`);
  return v;
}

function numArray(o: Obj, key: string): number[] {
  const v = o[key];
  if (ArrayBuffer.isView(v)) return Array.from(v as Float32Array);
  return Array.isArray(v) ? v.map(Number) : [];
}

/** A matrix as MatrixF32 {rows, cols, data}; also accepts number[] data or the CLI's number[][]. */
export function toMatrix(value: unknown, what: string): MatrixF32 | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    const rows = value.length;
    const cols = rows > 0 ? (value[0] as number[]).length : 0;
    const data = new Float32Array(rows * cols);
    value.forEach((row: number[], i) => data.set(row, i * cols));
    return { rows, cols, data };
  }
  const o = asObj(value, what);
  const rows = num(o, 'rows', what);
  const cols = num(o, 'cols', what);
  const raw = o.data;
  const data =
    raw instanceof Float32Array ? raw : Float32Array.from(Array.isArray(raw) ? raw : ArrayBuffer.isView(raw) ? Array.from(raw as Float64Array) : []);
  if (data.length !== rows * cols) throw new Error(`engine: ${what} has ${data.length} values for ${rows}x${cols}`);
  return { rows, cols, data };
}

/** A nested stats object, or an empty one when absent or malformed. */
function asNested(value: unknown): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function optNum(o: Obj, key: string): number | null {
  const v = o[key];
  return typeof v === 'number' ? v : null;
}

function toVs(value: unknown): VsSoftmax | null {
  if (value === null || value === undefined || typeof value !== 'object') return null;
  const o = value as Obj;
  return {
    attention_rel_frobenius: optNum(o, 'attention_rel_frobenius'),
    mean_row_kl: optNum(o, 'mean_row_kl'),
    output_abs_error: optNum(o, 'output_abs_error'),
    output_rel_error: optNum(o, 'output_rel_error'),
  };
}

function toStats(value: unknown): Stats | null {
  if (value === null || value === undefined) return null;
  const o = asObj(value, 'stats');
  return {
    entropy_rows: numArray(o, 'entropy_rows'),
    entropy_normalized_rows: numArray(o, 'entropy_normalized_rows'),
    entropy_mean: num(o, 'entropy_mean', 'stats'),
    entropy_normalized_mean: num(o, 'entropy_normalized_mean', 'stats'),
    singular_values: numArray(o, 'singular_values'),
    effective_rank: num(o, 'effective_rank', 'stats'),
    stable_rank: optNum(o, 'stable_rank'),
    numerical_rank: optNum(o, 'numerical_rank'),
    rank_tolerance: optNum(o, 'rank_tolerance'),
    spectral_gap: optNum(o, 'spectral_gap'),
    spectral_gap_note: typeof o.spectral_gap_note === 'string' ? o.spectral_gap_note : null,
    entropy_on_abs: typeof o.entropy_on_abs === 'boolean' ? o.entropy_on_abs : null,
    // The core reports the output's ranks as `output: {singular_values, effective_rank, ...}`.
    output_effective_rank: optNum(asNested(o.output), 'effective_rank'),
    vs_softmax: toVs(o.vs_softmax),
    unnormalized_rows: numArray(o, 'unnormalized_rows'),
  };
}

export function toResponse(raw: unknown): Response {
  const o = asObj(toPlain(raw), 'response');
  const timing: Record<string, number> = {};
  for (const [k, v] of Object.entries(asObj(o.timing_ms ?? {}, 'timing_ms'))) {
    if (typeof v === 'number') timing[k] = v;
  }
  const backend = o.backend === 'gpu' ? 'gpu' : 'cpu';
  return {
    variant: asObj(o.variant, 'variant') as Response['variant'],
    backend,
    backend_note: typeof o.backend_note === 'string' ? o.backend_note : null,
    n: num(o, 'n', 'response'),
    d_k: num(o, 'd_k', 'response'),
    d_v: num(o, 'd_v', 'response'),
    output: toMatrix(o.output, 'output'),
    attention: toMatrix(o.attention, 'attention'),
    stats: toStats(o.stats),
    timing_ms: timing,
  };
}

export function toDeviceInfo(raw: unknown): DeviceInfo {
  const o = asObj(toPlain(raw), 'deviceInfo');
  const a = o.adapter;
  let adapter: AdapterInfo | null = null;
  if (a !== null && typeof a === 'object') {
    const ad = a as Obj;
    adapter = {
      name: String(ad.name ?? ''),
      vendor: Number(ad.vendor ?? 0),
      device_type: String(ad.device_type ?? ''),
      backend: String(ad.backend ?? ''),
      driver: String(ad.driver ?? ''),
    };
  }
  return { gpu: o.gpu === true, note: typeof o.note === 'string' ? o.note : '', adapter };
}

/** The core rejects with {field, message}; anything else (JsError, string, panic) becomes field ''. */
export function toEngineError(raw: unknown): EngineError {
  const e = toPlain(raw);
  if (raw instanceof Error) return { field: '', message: raw.message || String(raw) };
  if (e !== null && typeof e === 'object') {
    const o = e as Obj;
    if (typeof o.message === 'string') return { field: typeof o.field === 'string' ? o.field : '', message: o.message };
  }
  return { field: '', message: String(raw) };
}
