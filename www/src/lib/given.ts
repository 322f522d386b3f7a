// Parses pasted or loaded Q, K, V (JSON or CSV) into matrices, with errors that say where and what.
import { FALLBACK_SPECS, type SizeLimits } from './workloads';

export type Matrix = number[][];
export type GivenQKV = { q: Matrix; k: Matrix; v: Matrix };
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };
/** The most rows (n) and columns (d_k for Q and K, d_v for V) a matrix may have: the core's limits. */
export type MatrixBounds = { rows: number; cols: number };

const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

/** The bounds of Q, K or V under these limits. */
export function boundsFor(name: 'Q' | 'K' | 'V', limits: SizeLimits): MatrixBounds {
  return { rows: limits.n.max, cols: name === 'V' ? limits.d_v.max : limits.d_k.max };
}

const FALLBACK_BOUNDS = boundsFor('Q', FALLBACK_SPECS.limits);

function checkRows(rows: unknown[], what: string, bounds: MatrixBounds): ParseResult<Matrix> {
  if (rows.length === 0) return fail(`${what}: no rows`);
  if (rows.length > bounds.rows) return fail(`${what}: ${rows.length} rows, at most ${bounds.rows}`);
  const out: Matrix = [];
  let cols = -1;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!Array.isArray(row)) return fail(`${what}: row ${i + 1} is not a list of numbers`);
    if (cols < 0) cols = row.length;
    if (row.length === 0) return fail(`${what}: row ${i + 1} is empty`);
    if (row.length !== cols) return fail(`${what}: row ${i + 1} has ${row.length} values, row 1 has ${cols}`);
    for (let j = 0; j < row.length; j++) {
      const x: unknown = row[j];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        return fail(`${what}: row ${i + 1}, column ${j + 1} is not a finite number (${JSON.stringify(x)?.slice(0, 20) ?? String(x)})`);
      }
    }
    out.push(row as number[]);
  }
  if (cols > bounds.cols) return fail(`${what}: ${cols} columns, at most ${bounds.cols}`);
  return { ok: true, value: out };
}

/** CSV/TSV: one row per line, values split by commas, semicolons, tabs or spaces; blank and # lines skipped. */
export function parseCsv(text: string, what: string, bounds: MatrixBounds = FALLBACK_BOUNDS): ParseResult<Matrix> {
  const rows: unknown[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const row: number[] = [];
    for (let j = 0; j < cells.length; j++) {
      const cell = cells[j]!;
      const x = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(x)) return fail(`${what}: line ${li + 1}, value ${j + 1} "${cell.slice(0, 20)}" is not a finite number`);
      row.push(x);
    }
    rows.push(row);
  }
  return checkRows(rows, what, bounds);
}

/** JSON: an array of rows ([[1, 2], [3, 4]]). */
export function parseJsonMatrix(text: string, what: string, bounds: MatrixBounds = FALLBACK_BOUNDS): ParseResult<Matrix> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(`${what}: not valid JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (!Array.isArray(data)) return fail(`${what}: expected an array of rows, like [[1, 2], [3, 4]]`);
  return checkRows(data, what, bounds);
}

/** JSON if it starts with "[", else CSV; bounds default to the page's fallback limits. */
export function parseMatrix(text: string, what: string, bounds: MatrixBounds = FALLBACK_BOUNDS): ParseResult<Matrix> {
  const t = text.trim();
  if (t === '') return fail(`${what}: empty`);
  return t.startsWith('[') ? parseJsonMatrix(t, what, bounds) : parseCsv(t, what, bounds);
}

/** Checks that Q, K, V fit together: same n, Q and K share d_k. */
export function checkQkv(q: Matrix, k: Matrix, v: Matrix): ParseResult<GivenQKV> {
  if (k.length !== q.length) return fail(`K has ${k.length} rows but Q has ${q.length}: Q, K and V need one row per token`);
  if (v.length !== q.length) return fail(`V has ${v.length} rows but Q has ${q.length}: Q, K and V need one row per token`);
  if (k[0]!.length !== q[0]!.length) return fail(`K has ${k[0]!.length} columns but Q has ${q[0]!.length}: both need d_k columns`);
  return { ok: true, value: { q, k, v } };
}

/** A whole JSON object {"q": [[..]], "k": [[..]], "v": [[..]]} (what the CLI's given workload takes). */
export function parseQkvJson(text: string, limits: SizeLimits = FALLBACK_SPECS.limits): ParseResult<GivenQKV> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message.slice(0, 80)})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return fail('expected an object {"q": [[..]], "k": [[..]], "v": [[..]]}');
  const o = data as Record<string, unknown>;
  const extra = Object.keys(o).filter((key) => !['q', 'k', 'v'].includes(key));
  if (extra.length > 0) return fail(`unknown field "${extra[0]!.slice(0, 20)}": expected only q, k and v`);
  const parts: Matrix[] = [];
  for (const key of ['q', 'k', 'v'] as const) {
    if (!(key in o)) return fail(`missing "${key}"`);
    const name = key.toUpperCase() as 'Q' | 'K' | 'V';
    const r = checkRows(Array.isArray(o[key]) ? (o[key] as unknown[]) : [o[key]], name, boundsFor(name, limits));
    if (!r.ok) return r;
    parts.push(r.value);
  }
  return checkQkv(parts[0]!, parts[1]!, parts[2]!);
}
