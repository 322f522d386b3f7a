// Export serialisers: CSV quoting and formula guarding, the results JSON shape, the CLI line, file names.
import { describe, expect, it } from 'vitest';
import type { Response } from '../../src/engine/types';
import { cliCommand, csvCell, fileName, iclCliCommand, iclRunsJson, resultsJson, statsCsv, toCsv } from '../../src/lib/exportData';
import { presentColumns, sortResults, type Result } from '../../src/lib/statsTable';

const response = (erank: number, over: Partial<Response> = {}): Response => ({
  variant: { name: 'softmax' }, backend: 'cpu', backend_note: null, n: 2, d_k: 1, d_v: 1,
  output: { rows: 2, cols: 1, data: new Float32Array([0.5, 0.25]) },
  attention: { rows: 2, cols: 2, data: new Float32Array([1, 0, 0.5, 0.5]) },
  stats: {
    entropy_rows: [0, 0.69], entropy_normalized_rows: [0, 1], entropy_mean: 0.35, entropy_normalized_mean: 0.5, singular_values: [1.2, 0.3],
    effective_rank: erank, stable_rank: null, numerical_rank: null, rank_tolerance: null, spectral_gap: null, spectral_gap_note: null,
    entropy_on_abs: null, output_effective_rank: null, vs_softmax: null, unnormalized_rows: [],
  },
  timing_ms: { total: 1.5 },
  ...over,
});
const result = (slot: number, label: string, erank: number): Result => ({
  slot, label, request: { variant: { name: 'softmax' }, workload: { kind: 'gaussian', n: 2, d_k: 1, seed: 0 } }, response: response(erank),
});

describe('CSV', () => {
  it('quotes commas, quotes, newlines and edge spaces (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' pad')).toBe('" pad"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(-1.5)).toBe('-1.5');
  });

  it('prints numbers at the precision they have, without float noise', () => {
    expect(csvCell(41.300000000000004)).toBe('41.3');
    expect(csvCell(0.1 + 0.2)).toBe('0.3');
    expect(csvCell(1e-9)).toBe('1e-9');
    expect(statsCsv([{ ...result(0, 'softmax', 2), response: response(2, { timing_ms: { total: 41.300000000000004 } }) }])).toContain(',41.3\r\n');
  });

  it('guards spreadsheet formulas in text cells', () => {
    expect(csvCell('=cmd()')).toBe("'=cmd()");
    expect(csvCell('@x')).toBe("'@x");
  });

  it('writes a header and one row per variant with CRLF line ends', () => {
    const csv = statsCsv([result(0, 'softmax', 2), result(1, 'performer (features 8)', 1.5)]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['variant', 'entropy_mean', 'entropy_normalized_mean', 'effective_rank']);
    expect(lines[2]!.startsWith('performer (features 8),0.35,0.5,1.5')).toBe(true);
    expect(toCsv([['a', 'b'], [1, 2]])).toBe('a,b\r\n1,2\r\n');
  });
});

describe('results JSON', () => {
  it('holds the view, and per map the request and the response with tensors as nested arrays', () => {
    const doc = JSON.parse(resultsJson([result(0, 'softmax', 2)], '#v=softmax'));
    expect(doc).toMatchObject({ format: 'attnscope-results', version: 1, view: '#v=softmax' });
    expect(doc.results[0].request.variant.name).toBe('softmax');
    expect(doc.results[0].response.attention).toEqual({ rows: 2, cols: 2, data: [[1, 0], [0.5, 0.5]] });
    expect(doc.results[0].response.output.data).toEqual([[0.5], [0.25]]);
    // f32 entries come out at their shortest decimal, not widened to 0.10000000149011612.
    const noisy = result(0, 'softmax', 2);
    noisy.response = response(2, { attention: { rows: 1, cols: 2, data: new Float32Array([0.1, 0.9]) } });
    expect(JSON.parse(resultsJson([noisy], '#')).results[0].response.attention.data).toEqual([[0.1, 0.9]]);
    expect(doc.results[0].response.stats.effective_rank).toBe(2);
  });
});

describe('stats table', () => {
  it('sorts by a column either way, nulls last, and hides columns nobody filled', () => {
    const rs = [result(0, 'a', 2), result(1, 'b', 3), result(2, 'c', 1)];
    expect(sortResults(rs, 'effective_rank', false).map((r) => r.label)).toEqual(['c', 'a', 'b']);
    expect(sortResults(rs, 'effective_rank', true).map((r) => r.label)).toEqual(['b', 'a', 'c']);
    expect(sortResults(rs, 'variant', true).map((r) => r.label)).toEqual(['c', 'b', 'a']);
    const keys = presentColumns(rs).map((c) => c.key);
    expect(keys).toContain('effective_rank');
    expect(keys).not.toContain('stable_rank');
  });
});

describe('CLI line and file names', () => {
  it('escapes single quotes for sh', () => {
    expect(cliCommand({ variant: { name: "it's" }, workload: { kind: 'gaussian', n: 1, d_k: 1 } })).toBe(
      `echo '{"variant":{"name":"it'\\''s"},"workload":{"kind":"gaussian","n":1,"d_k":1}}' | attnscope eval`,
    );
  });

  it('writes an ICL request as an `attnscope icl` line, quotes escaped', () => {
    expect(iclCliCommand({ d: 2, n: 3, learners: [{ name: 'gd', eta: "it's" }] })).toBe(
      `echo '{"d":2,"n":3,"learners":[{"name":"gd","eta":"it'\\''s"}]}' | attnscope icl`,
    );
  });

  it('exports an ICL view’s runs as JSON: each request next to its response', () => {
    const request = { d: 2, n: 3, learners: [{ name: 'gd' as const }] };
    const response = { d: 2, n: 3, tasks: 10, seed: 0, noise_variance: 0, zero_predictor_risk: 2, cov_eigs: [1, 1], learners: [] };
    const doc = JSON.parse(iclRunsJson('preconditioner', [{ request, response }]));
    expect(doc).toEqual({ format: 'attnscope-icl-results', version: 1, view: 'preconditioner', runs: [{ request, response }] });
  });

  it('makes safe file names', () => {
    expect(fileName('attnscope-map-0-performer (features 8)', 'svg')).toBe('attnscope-map-0-performer-features-8.svg');
    expect(fileName('../../etc/passwd', 'png')).toBe('..-..-etc-passwd.png');
    expect(fileName('<<>>', 'csv')).toBe('attnscope.csv');
  });
});
