// Normalising what the wasm core returns: Maps, matrices in every accepted shape, errors.
import { describe, expect, it } from 'vitest';
import { toDeviceInfo, toEngineError, toMatrix, toResponse } from '../../src/engine/normalize';

const stats = {
  entropy_rows: [0.5, 0.7],
  entropy_normalized_rows: [0.72, 1],
  entropy_mean: 0.6,
  entropy_normalized_mean: 0.86,
  singular_values: [1, 0.2],
  effective_rank: 1.5,
};

describe('toResponse', () => {
  it('keeps MatrixF32 data and turns a timing Map into a record', () => {
    const data = new Float32Array([0.25, 0.75, 0.5, 0.5]);
    const r = toResponse({
      variant: { name: 'softmax', temperature: 1, scale: 0.5 },
      backend: 'gpu',
      backend_note: null,
      n: 2,
      d_k: 4,
      d_v: 4,
      output: null,
      attention: { rows: 2, cols: 2, data },
      stats,
      timing_ms: new Map([['total', 3.5], ['compute', 1]]),
    });
    expect(r.attention?.data).toBe(data);
    expect(r.timing_ms).toEqual({ total: 3.5, compute: 1 });
    expect(r.stats?.effective_rank).toBe(1.5);
    expect(r.backend).toBe('gpu');
  });

  it('reads the output ranks from the nested output summary and the numerical rank as a count', () => {
    const r = toResponse({
      variant: { name: 'linear_elu' },
      backend: 'cpu',
      backend_note: null,
      n: 2,
      d_k: 4,
      d_v: 4,
      output: null,
      attention: null,
      stats: { ...stats, numerical_rank: 2, output: { singular_values: [3, 1], effective_rank: 1.75, numerical_rank: 2 } },
      timing_ms: {},
    });
    expect(r.stats?.output_effective_rank).toBe(1.75);
    expect(r.stats?.numerical_rank).toBe(2);
  });

  it('accepts the CLI form (number[][]) for matrices', () => {
    const m = toMatrix([[1, 2, 3], [4, 5, 6]], 'attention');
    expect(m?.rows).toBe(2);
    expect(m?.cols).toBe(3);
    expect(Array.from(m!.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a matrix whose data does not match its shape', () => {
    expect(() => toMatrix({ rows: 2, cols: 2, data: [1, 2, 3] }, 'attention')).toThrow(/3 values for 2x2/);
  });
});

describe('toDeviceInfo', () => {
  it('reads the no-GPU form', () => {
    expect(toDeviceInfo({ gpu: false, note: 'navigator.gpu is undefined', adapter: null })).toEqual({
      gpu: false,
      note: 'navigator.gpu is undefined',
      adapter: null,
    });
  });
  it('reads an adapter given as a Map', () => {
    const info = toDeviceInfo(
      new Map<string, unknown>([
        ['gpu', true],
        ['note', ''],
        ['adapter', new Map<string, unknown>([['name', ''], ['vendor', 0], ['device_type', 'Cpu'], ['backend', 'BrowserWebGpu'], ['driver', '']])],
      ]),
    );
    expect(info.adapter).toEqual({ name: '', vendor: 0, device_type: 'Cpu', backend: 'BrowserWebGpu', driver: '' });
  });
});

describe('toEngineError', () => {
  it('keeps {field, message}', () => {
    expect(toEngineError({ field: 'workload.n', message: 'too big' })).toEqual({ field: 'workload.n', message: 'too big' });
  });
  it('wraps Errors and strings with an empty field', () => {
    expect(toEngineError(new Error('unreachable'))).toEqual({ field: '', message: 'unreachable' });
    expect(toEngineError('panicked')).toEqual({ field: '', message: 'panicked' });
  });
});
