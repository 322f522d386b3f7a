// Control values → Requests the CLI accepts, validation messages, and core error fields → controls.
import { describe, expect, it } from 'vitest';
import {
  buildRequest,
  cliCommand,
  controlForField,
  DEFAULT_CONTROLS,
  validateControls,
  type Controls,
} from '../../src/lib/request';

const c = (over: Partial<Controls> = {}): Controls => ({ ...DEFAULT_CONTROLS, ...over });

describe('buildRequest', () => {
  it('builds the default softmax request', () => {
    expect(buildRequest('softmax', c())).toEqual({
      variant: { name: 'softmax', temperature: 1 },
      causal: false,
      workload: { kind: 'gaussian', n: 64, d_k: 16, d_v: 16, seed: 1 },
      backend: 'auto',
      outputs: ['attention', 'stats'],
    });
  });

  it('builds the linear request on the same workload, without softmax parameters', () => {
    const r = buildRequest('linear_elu', c({ n: 128, d_k: 8, seed: 7, causal: true, temperature: 0.5 }));
    expect(r).toEqual({
      variant: { name: 'linear_elu' },
      causal: true,
      workload: { kind: 'gaussian', n: 128, d_k: 8, d_v: 8, seed: 7 },
      backend: 'auto',
      outputs: ['attention', 'stats'],
    });
  });

  it('is plain JSON (round-trips unchanged, no typed arrays)', () => {
    const r = buildRequest('softmax', c({ temperature: 0.25 }));
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('refuses invalid controls', () => {
    expect(() => buildRequest('softmax', c({ n: 0 }))).toThrow(/n must be between 1 and 1024, got 0/);
  });

  it('writes the CLI line', () => {
    expect(cliCommand(buildRequest('linear_elu', c({ n: 4, d_k: 2 })))).toBe(
      `echo '{"variant":{"name":"linear_elu"},"causal":false,"workload":{"kind":"gaussian","n":4,"d_k":2,"d_v":2,"seed":1},"backend":"auto","outputs":["attention","stats"]}' | attnscope eval`,
    );
  });
});

describe('validateControls', () => {
  it('accepts the defaults and the edges of each range', () => {
    expect(validateControls(c())).toEqual({});
    expect(validateControls(c({ n: 1, d_k: 1, seed: 0, temperature: 0.001 }))).toEqual({});
    expect(validateControls(c({ n: 1024, d_k: 256, seed: 4294967295, temperature: 1000 }))).toEqual({});
  });

  it('names the control and the limit', () => {
    expect(validateControls(c({ n: 0 }))).toEqual({ n: 'n must be between 1 and 1024, got 0' });
    expect(validateControls(c({ d_k: 257 }))).toEqual({ d_k: 'd_k must be between 1 and 256, got 257' });
    expect(validateControls(c({ seed: -1 }))).toEqual({ seed: 'seed must be between 0 and 4294967295, got -1' });
  });

  it('explains why n stops at 1024 on this page', () => {
    expect(validateControls(c({ n: 2048 })).n).toBe('n must be at most 1024 to draw the N×N attention map, got 2048');
    expect(validateControls(c({ n: 70000 })).n).toBe('n must be between 1 and 1024, got 70000');
  });

  it('rejects empty and fractional integers', () => {
    expect(validateControls(c({ n: null }))).toEqual({ n: 'n must be a whole number' });
    expect(validateControls(c({ d_k: 2.5 }))).toEqual({ d_k: 'd_k must be a whole number, got 2.5' });
  });

  it('requires temperature > 0', () => {
    expect(validateControls(c({ temperature: 0 })).temperature).toBe('temperature must be > 0, got 0');
    expect(validateControls(c({ temperature: -2 })).temperature).toBe('temperature must be > 0, got -2');
    expect(validateControls(c({ temperature: null })).temperature).toBe('temperature must be a number');
    expect(validateControls(c({ temperature: 2000 })).temperature).toBe('temperature must be between 0.001 and 1000, got 2000');
  });

  it('reports every invalid control at once', () => {
    expect(Object.keys(validateControls(c({ n: 0, d_k: 0, temperature: 0 }))).sort()).toEqual(['d_k', 'n', 'temperature']);
  });
});

describe('controlForField', () => {
  it('maps core error fields to the control that shows them', () => {
    expect(controlForField('n')).toBe('n');
    expect(controlForField('workload.n')).toBe('n');
    expect(controlForField('outputs')).toBe('n');
    expect(controlForField('workload.d_v')).toBe('d_k');
    expect(controlForField('d_k')).toBe('d_k');
    expect(controlForField('variant.temperature')).toBe('temperature');
    expect(controlForField('workload.seed')).toBe('seed');
  });
  it('returns null for fields without a control', () => {
    expect(controlForField('variant.name')).toBeNull();
    expect(controlForField('')).toBeNull();
    expect(controlForField('workload.q')).toBeNull();
  });
});
