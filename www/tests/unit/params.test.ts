// Catalog-driven parameter checks: kinds, ranges, text parsing, slider mapping, and the variant spec sent.
import { describe, expect, it } from 'vitest';
import { toCatalog } from '../../src/engine/catalog';
import type { ParamSpec } from '../../src/engine/types';
import { checkParam, fromSlider, parseParamText, sliderRange, toSlider, validateParams, variantSpec } from '../../src/lib/params';

const p = (over: Partial<ParamSpec>): ParamSpec => ({
  name: 'x', kind: 'number', default: 1, default_note: null, min: null, max: null, log_scale: false, description: '', choices: null, ...over,
});

describe('checkParam', () => {
  it('checks numbers against min and max', () => {
    const t = p({ name: 'temperature', min: 0.001, max: 1000 });
    expect(checkParam(t, 1)).toBeNull();
    expect(checkParam(t, 0)).toBe('temperature must be at least 0.001, got 0');
    expect(checkParam(t, 5000)).toBe('temperature must be at most 1000, got 5000');
    expect(checkParam(t, NaN)).toBe('temperature must be a finite number');
    expect(checkParam(t, '1')).toBe('temperature must be a finite number');
  });

  it('checks integers, booleans, strings and matrices', () => {
    const f = p({ name: 'features', kind: 'integer', min: 1, max: 1024 });
    expect(checkParam(f, 8)).toBeNull();
    expect(checkParam(f, 8.5)).toBe('features must be a whole number, got 8.5');
    expect(checkParam(p({ name: 'seed', kind: 'integer', min: 0 }), 2 ** 60)).toBe('seed is too large');
    expect(checkParam(p({ kind: 'boolean' }), true)).toBeNull();
    expect(checkParam(p({ kind: 'boolean' }), 1)).toMatch(/true or false/);
    expect(checkParam(p({ kind: 'string', choices: ['a', 'b'] }), 'c')).toBe('x must be one of a, b');
    expect(checkParam(p({ kind: 'matrix' }), [[1, 2], [3, 4]])).toBeNull();
    expect(checkParam(p({ kind: 'matrix' }), [[1, 2], [3]])).toMatch(/rows must be equal length/);
    expect(checkParam(p({ kind: 'matrix' }), [[1, NaN]])).toMatch(/not a finite number/);
  });

  it('checks vectors (one number per token: betas, step sizes)', () => {
    expect(checkParam(p({ name: 'beta', kind: 'vector' }), [0.5, 0.9])).toBeNull();
    expect(checkParam(p({ name: 'beta', kind: 'vector' }), [])).toBe('beta must be a non-empty array of numbers');
    expect(checkParam(p({ name: 'beta', kind: 'vector' }), [0.5, Infinity])).toBe('beta[1] is not a finite number');
    expect(checkParam(p({ name: 'beta', kind: 'vector' }), [[0.5]])).toBe('beta[0] is not a finite number');
  });
});

describe('parseParamText', () => {
  it('parses what a user types', () => {
    expect(parseParamText(p({ kind: 'integer', min: 1 }), ' 64 ')).toEqual({ value: 64 });
    expect(parseParamText(p({ min: 0 }), '1e-6')).toEqual({ value: 1e-6 });
    expect(parseParamText(p({ min: 0 }), 'abc')).toEqual({ error: 'x must be a finite number' });
    expect(parseParamText(p({ min: 0 }), '')).toEqual({ error: 'x must be a number' });
    expect(parseParamText(p({ kind: 'boolean' }), 'true')).toEqual({ value: true });
    expect(parseParamText(p({ kind: 'matrix' }), '[[1,0],[0,1]]')).toEqual({ value: [[1, 0], [0, 1]] });
    expect(parseParamText(p({ kind: 'matrix' }), '[[1,0]')).toMatchObject({ error: expect.stringMatching(/must be JSON/) });
    expect(parseParamText(p({ kind: 'vector' }), '[0.5, 0.9]')).toEqual({ value: [0.5, 0.9] });
    expect(parseParamText(p({ kind: 'vector' }), '0.5, 0.9')).toMatchObject({ error: expect.stringMatching(/must be JSON, e.g. \[0.5/) });
  });
});

describe('validateParams and variantSpec', () => {
  const [performer] = toCatalog({
    variants: [{ name: 'performer', params: [{ name: 'features', kind: 'integer', default: 64, min: 1, max: 1024, log_scale: true, description: 'm' }] }],
  }).variants;

  it('reports unknown params and bad values by name', () => {
    expect(validateParams(performer!, { features: 8 })).toEqual({});
    expect(validateParams(performer!, { features: 0, nope: 1 })).toEqual({
      features: 'features must be at least 1, got 0',
      nope: 'performer has no parameter nope',
    });
  });

  it('sends the name plus the values the user set', () => {
    expect(variantSpec('performer', { features: 8 })).toEqual({ name: 'performer', features: 8 });
    expect(variantSpec('softmax', {})).toEqual({ name: 'softmax' });
  });
});

describe('sliders', () => {
  it('maps log ranges geometrically and round-trips', () => {
    const r = sliderRange(p({ min: 0.001, max: 1000, log_scale: true }))!;
    expect(r).toEqual({ min: 0.001, max: 1000, log: true });
    expect(toSlider(1, r)).toBe(500);
    expect(fromSlider(500, r, false)).toBeCloseTo(1, 6);
    expect(fromSlider(0, r, false)).toBeCloseTo(0.001, 9);
  });

  it('gives a log slider a positive floor when min is 0, and rounds integers', () => {
    const r = sliderRange(p({ min: 0, max: 1, default: 1e-6, log_scale: true }))!;
    expect(r.min).toBeGreaterThan(0);
    expect(r.log).toBe(true);
    const i = sliderRange(p({ kind: 'integer', min: 1, max: 1024, log_scale: true }))!;
    expect(Number.isInteger(fromSlider(333, i, true))).toBe(true);
    expect(sliderRange(p({ kind: 'boolean' }))).toBeNull();
  });
});

describe('toCatalog', () => {
  it('keeps well-formed entries, drops malformed ones and hostile names', () => {
    const c = toCatalog({ variants: [{ name: 'ok', title: 'OK' }, { title: 'no name' }, { name: '<script>' }, null] });
    expect(c.variants.map((e) => e.name)).toEqual(['ok']);
    expect(c.variants[0]).toMatchObject({ title: 'OK', family: 'other', params: [], row_normalized: true, signed: false });
  });
});
