// Catalog-driven variant parameters: defaults, text → value parsing, range checks, and the VariantSpec sent.
import type { CatalogEntry, ParamSpec, ParamValue, VariantSpec } from '../engine/types';

/** Values the user set for one selected variant (params left at their default are absent). */
export type ParamValues = Record<string, ParamValue>;

/** A readable label for a number in a message. */
const show = (v: number): string => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential() : String(v));

/** Checks one value against its spec; returns a message naming the param, or null when valid. */
export function checkParam(spec: ParamSpec, value: unknown): string | null {
  const name = spec.name;
  switch (spec.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? null : `${name} must be true or false`;
    case 'string':
      if (typeof value !== 'string' || value === '') return `${name} must be a non-empty string`;
      if (spec.choices && !spec.choices.includes(value)) return `${name} must be one of ${spec.choices.join(', ')}`;
      return null;
    case 'vector':
      return checkVector(name, value);
    case 'matrix':
      return checkMatrix(name, value);
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} must be a finite number`;
      if (spec.kind === 'integer' && !Number.isInteger(value)) return `${name} must be a whole number, got ${show(value)}`;
      if (spec.min !== null && value < spec.min) return `${name} must be at least ${show(spec.min)}, got ${show(value)}`;
      if (spec.max !== null && value > spec.max) return `${name} must be at most ${show(spec.max)}, got ${show(value)}`;
      if (spec.kind === 'integer' && !Number.isSafeInteger(value)) return `${name} is too large`;
      return null;
    }
  }
}

function checkVector(name: string, value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return `${name} must be a non-empty array of numbers`;
  const bad = value.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  return bad >= 0 ? `${name}[${bad}] is not a finite number` : null;
}

function checkMatrix(name: string, value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return `${name} must be a non-empty array of rows`;
  const cols = Array.isArray(value[0]) ? value[0].length : -1;
  if (cols <= 0) return `${name}[0] must be a non-empty array of numbers`;
  for (let i = 0; i < value.length; i++) {
    const row: unknown = value[i];
    if (!Array.isArray(row) || row.length !== cols) return `${name}[${i}] must have ${cols} numbers (rows must be equal length)`;
    if (!row.every((x) => typeof x === 'number' && Number.isFinite(x))) return `${name}[${i}] has a value that is not a finite number`;
  }
  return null;
}

/** Parses what a user typed into a param's box; returns the value or an error message. */
export function parseParamText(spec: ParamSpec, text: string): { value: ParamValue } | { error: string } {
  const t = text.trim();
  if (spec.kind === 'boolean') {
    if (t === 'true' || t === '1') return { value: true };
    if (t === 'false' || t === '0') return { value: false };
    return { error: `${spec.name} must be true or false` };
  }
  if (spec.kind === 'string') {
    const err = checkParam(spec, t);
    return err ? { error: err } : { value: t };
  }
  if (spec.kind === 'matrix' || spec.kind === 'vector') {
    const example = spec.kind === 'matrix' ? '[[1, 0], [0, 1]]' : '[0.5, 0.9, 0.1]';
    let parsed: unknown;
    try {
      parsed = JSON.parse(t);
    } catch {
      return { error: `${spec.name} must be JSON, e.g. ${example}` };
    }
    const err = spec.kind === 'matrix' ? checkMatrix(spec.name, parsed) : checkVector(spec.name, parsed);
    return err ? { error: err } : { value: parsed as number[] | number[][] };
  }
  if (t === '') return { error: `${spec.name} must be a number` };
  const v = Number(t);
  const err = checkParam(spec, v);
  return err ? { error: err } : { value: v };
}

/** Every error of a selection's values, by param name; unknown params are errors too. */
export function validateParams(entry: CatalogEntry, values: ParamValues): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = entry.params.find((p) => p.name === name);
    const err = spec ? checkParam(spec, value) : `${entry.name} has no parameter ${name}`;
    if (err) errors[name] = err;
  }
  return errors;
}

/** The value a control shows: the user's, else the catalog default, else null (a computed default). */
export function effectiveValue(spec: ParamSpec, values: ParamValues): ParamValue | null {
  return values[spec.name] ?? spec.default;
}

/** The variant part of a Request: the name plus every value the user set (defaults are the core's). */
export function variantSpec(name: string, values: ParamValues): VariantSpec {
  return { name, ...values } as VariantSpec;
}

/** Slider bounds for a numeric param: the catalog range (log needs a positive floor), else a fallback. */
export function sliderRange(spec: ParamSpec): { min: number; max: number; log: boolean } | null {
  if (spec.kind !== 'number' && spec.kind !== 'integer') return null;
  const def = typeof spec.default === 'number' ? spec.default : null;
  let min = spec.min ?? (def !== null ? Math.min(0, def) : null);
  let max = spec.max ?? (def !== null && def > 0 ? def * 16 : null);
  if (min === null || max === null || !(max > min)) return null;
  const log = spec.log_scale;
  if (log && min <= 0) min = Math.max(Math.min(max * 1e-6, def && def > 0 ? def : Infinity), Number.MIN_VALUE);
  if (log && !(max > min)) max = min * 10;
  return { min, max, log };
}

/** Slider position (0..1000) ↔ value, linear or logarithmic. */
export const SLIDER_STEPS = 1000;
export function toSlider(v: number, r: { min: number; max: number; log: boolean }): number {
  const c = Math.min(r.max, Math.max(r.min, v));
  const t = r.log ? Math.log(c / r.min) / Math.log(r.max / r.min) : (c - r.min) / (r.max - r.min);
  return Math.round(t * SLIDER_STEPS);
}
export function fromSlider(pos: number, r: { min: number; max: number; log: boolean }, integer: boolean): number {
  const t = pos / SLIDER_STEPS;
  const v = r.log ? r.min * Math.pow(r.max / r.min, t) : r.min + t * (r.max - r.min);
  if (integer) return Math.round(v);
  return Number(v.toPrecision(3));
}
