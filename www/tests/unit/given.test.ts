// Parsing pasted Q, K, V: JSON and CSV, shapes, and errors that say where.
import { describe, expect, it } from 'vitest';
import { boundsFor, checkQkv, parseCsv, parseJsonMatrix, parseMatrix, parseQkvJson } from '../../src/lib/given';
import { workloadSpecs } from '../../src/lib/workloadSpecs';
import { catalogWith } from './coreCatalog';

describe('parseMatrix', () => {
  it('reads JSON rows', () => {
    expect(parseMatrix('[[1, 2], [3, -4.5e-1]]', 'Q')).toEqual({ ok: true, value: [[1, 2], [3, -0.45]] });
  });

  it('reads CSV with commas, semicolons, tabs or spaces, skipping blank and # lines', () => {
    expect(parseMatrix('# q\n1,2\n\n3;4\n5\t6\n7 8\r\n', 'Q')).toEqual({ ok: true, value: [[1, 2], [3, 4], [5, 6], [7, 8]] });
  });

  it('says which row and column is wrong', () => {
    expect(parseCsv('1,2\n3,x', 'K')).toEqual({ ok: false, error: 'K: line 2, value 2 "x" is not a finite number' });
    expect(parseCsv('1,2\n3', 'K')).toEqual({ ok: false, error: 'K: row 2 has 1 values, row 1 has 2' });
    expect(parseCsv('1,,2', 'K').ok).toBe(false);
    expect(parseJsonMatrix('[[1, 2], [3, null]]', 'V')).toMatchObject({ ok: false, error: expect.stringMatching(/row 2, column 2 is not a finite number/) });
    expect(parseJsonMatrix('[[1, 2], 3]', 'V')).toMatchObject({ ok: false, error: 'V: row 2 is not a list of numbers' });
    expect(parseJsonMatrix('[[1, "2"]]', 'V').ok).toBe(false);
    expect(parseJsonMatrix('[[]]', 'V')).toMatchObject({ ok: false, error: 'V: row 1 is empty' });
  });

  it('rejects non-finite values, bad JSON, empty input and shapes over the limits', () => {
    expect(parseCsv('1,NaN', 'Q').ok).toBe(false);
    expect(parseCsv('1,Infinity', 'Q').ok).toBe(false);
    expect(parseJsonMatrix('[[1e999]]', 'Q').ok).toBe(false);
    expect(parseMatrix('[[1, 2]', 'Q')).toMatchObject({ ok: false, error: expect.stringMatching(/^Q: not valid JSON/) });
    expect(parseMatrix('{"a": 1}', 'Q').ok).toBe(false);
    expect(parseMatrix('   ', 'Q')).toEqual({ ok: false, error: 'Q: empty' });
    expect(parseMatrix(JSON.stringify([Array(257).fill(0)]), 'Q')).toMatchObject({ ok: false, error: 'Q: 257 columns, at most 256' });
  });

  it('holds Q and K to the core’s d_k, V to its d_v, and every matrix to its n', () => {
    const { limits } = workloadSpecs(catalogWith((raw) => (raw.limits = { ...raw.limits, n_max: 2, d_k_max: 4, d_v_max: 2 })));
    const row = (d: number) => JSON.stringify([Array(d).fill(1)]);
    expect(parseMatrix(row(4), 'Q', boundsFor('Q', limits)).ok).toBe(true);
    expect(parseMatrix(row(5), 'K', boundsFor('K', limits))).toEqual({ ok: false, error: 'K: 5 columns, at most 4' });
    expect(parseMatrix(row(3), 'V', boundsFor('V', limits))).toEqual({ ok: false, error: 'V: 3 columns, at most 2' });
    expect(parseMatrix('1\n2\n3', 'Q', boundsFor('Q', limits))).toEqual({ ok: false, error: 'Q: 3 rows, at most 2' });
    expect(parseQkvJson('{"q": [[1, 2, 3]], "k": [[1, 2, 3]], "v": [[1, 2, 3]]}', limits)).toEqual({ ok: false, error: 'V: 3 columns, at most 2' });
  });
});

describe('checkQkv and parseQkvJson', () => {
  it('accepts matching shapes (d_v may differ from d_k)', () => {
    expect(checkQkv([[1, 2]], [[3, 4]], [[5]]).ok).toBe(true);
  });

  it('names the mismatch', () => {
    expect(checkQkv([[1, 2]], [[3, 4], [5, 6]], [[5]])).toEqual({ ok: false, error: 'K has 2 rows but Q has 1: Q, K and V need one row per token' });
    expect(checkQkv([[1, 2]], [[3]], [[5]])).toMatchObject({ ok: false, error: expect.stringMatching(/K has 1 columns but Q has 2/) });
    expect(checkQkv([[1]], [[3]], [[5], [6]]).ok).toBe(false);
  });

  it('reads the CLI-shaped object and rejects unknown or missing fields', () => {
    expect(parseQkvJson('{"q": [[1]], "k": [[2]], "v": [[3, 4]]}')).toEqual({ ok: true, value: { q: [[1]], k: [[2]], v: [[3, 4]] } });
    expect(parseQkvJson('{"q": [[1]], "k": [[2]]}')).toEqual({ ok: false, error: 'missing "v"' });
    expect(parseQkvJson('{"q": [[1]], "k": [[2]], "v": [[3]], "x": 1}')).toMatchObject({ ok: false, error: expect.stringMatching(/unknown field "x"/) });
    expect(parseQkvJson('[1]').ok).toBe(false);
    expect(parseQkvJson('nope').ok).toBe(false);
  });
});
