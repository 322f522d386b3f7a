// Export serialisers: CSV (RFC 4180 quoting), the Responses (attention and ICL) as JSON, and the CLI reproduction snippets.
import type { IclRequest, IclResponse } from '../engine/iclTypes';
import type { MatrixF32, Request } from '../engine/types';
import { tidyF32Array, tidyF64 } from './numberText';
import { COLUMNS, type Column, type Result } from './statsTable';

/**
 * Quotes a CSV cell when it holds a comma, quote, newline or leading/trailing space; guards formula injection.
 * Numbers are written at the precision they have (tidyF64: no 41.300000000000004).
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(tidyF64(v)) : '') : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v !== 'number') s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The statistics table as CSV: a header row of column keys, then one row per variant. */
export function statsCsv(results: readonly Result[], columns: readonly Column[] = COLUMNS): string {
  return toCsv([columns.map((c) => c.key), ...results.map((r) => columns.map((c) => c.get(r)))]);
}

function matrixJson(m: MatrixF32 | null): { rows: number; cols: number; data: number[][] } | null {
  if (!m) return null;
  const data: number[][] = [];
  for (let i = 0; i < m.rows; i++) data.push(tidyF32Array(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return { rows: m.rows, cols: m.cols, data };
}

/** Everything on screen as one JSON document: the view URL and, per map, the request and the full response. */
export function resultsJson(results: readonly Result[], viewHash: string): string {
  return JSON.stringify(
    {
      format: 'attnscope-results',
      version: 1,
      view: viewHash,
      results: results.map((r) => ({
        label: r.label,
        request: r.request,
        response: { ...r.response, output: matrixJson(r.response.output), attention: matrixJson(r.response.attention) },
      })),
    },
    null,
    1,
  );
}

/** A shell line that feeds the exact request to the native CLI (single quotes escaped for sh). */
export function cliCommand(request: Request): string {
  return `echo '${JSON.stringify(request).replace(/'/g, `'\\''`)}' | attnscope eval`;
}

/** One ICL view's runs as a JSON document: each request next to the core's full response. */
export function iclRunsJson(view: string, runs: readonly { request: IclRequest; response: IclResponse }[]): string {
  return JSON.stringify({ format: 'attnscope-icl-results', version: 1, view, runs: runs.map((r) => ({ request: r.request, response: r.response })) }, null, 1);
}

/** A shell line that feeds an ICL request to the native CLI (`attnscope icl`). */
export function iclCliCommand(request: IclRequest): string {
  return `echo '${JSON.stringify(request).replace(/'/g, `'\\''`)}' | attnscope icl`;
}

/** A file name made of safe characters. */
export function fileName(base: string, ext: string): string {
  const clean = base.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'attnscope';
  return `${clean.slice(0, 80)}.${ext}`;
}
