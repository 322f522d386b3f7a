// URL hash state: every preset round-trips; malformed and hostile hashes are reported and dropped, never trusted.
import { describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../src/engine/types';
import { workloadSpecs } from '../../src/lib/workloadSpecs';
import { PRESETS } from '../../src/state/presets';
import { resolveWorkload } from '../../src/state/resolveWorkload';
import { parseHash, resolveVariants, serialize } from '../../src/state/urlState';
import { DEFAULT_VIEW, MAX_VARIANTS, type ViewState } from '../../src/state/view';
import { catalogWith, CORE_SPECS } from './coreCatalog';

const entry = (name: string, params: CatalogEntry['params'] = []): CatalogEntry => ({
  name, title: name, family: 'f', idea: '', paper: { title: '', authors: '', venue: '', year: 2020 }, spec_section: '',
  cost: { time: '', memory: '' }, row_normalized: true, signed: false, supports: { causal: true, non_causal: true }, params, formula_tex: '', confirmed: true,
});
const num = (name: string, min: number | null, max: number | null, kind: 'number' | 'integer' = 'number') => ({
  name, kind, default: 1, default_note: null, min, max, log_scale: false, description: '', choices: null,
});
const CATALOG = [entry('softmax', [num('temperature', 0.001, 1000)]), entry('performer', [num('features', 1, 1024, 'integer'), { ...num('projection', null, null), kind: 'matrix' as const }]), entry('linear_elu')];

describe('serialize / parseHash round trip', () => {
  it('the default view is the empty hash and serialises to a readable one', () => {
    expect(parseHash('')).toEqual({ state: DEFAULT_VIEW, problems: [] });
    expect(serialize(DEFAULT_VIEW)).toBe('#v=softmax,linear_elu,performer,based&w=clustered&n=128&d_k=16&seed=1&causal=0');
  });

  for (const p of PRESETS) {
    it(`round-trips the preset "${p.id}"`, () => {
      const hash = serialize(p.state);
      const parsed = parseHash(hash);
      expect(parsed.problems).toEqual([]);
      expect(parsed.state).toEqual(p.state);
      expect(serialize(parsed.state)).toBe(hash);
    });
  }

  it('round-trips selection, lock, scale, tab, rope, d_v and extras', () => {
    const s: ViewState = {
      ...DEFAULT_VIEW,
      variants: [{ name: 'performer', params: { features: 8, hyperbolic: true, kernel: 'relu' } }, { name: 'softmax', params: { temperature: 0.25 } }],
      workload: { kind: 'clustered', n: 200, d_k: 8, d_v: 4, seed: 7, causal: true, rope: true, extras: { clusters: 3, spread: 0.5 } },
      row: 12, locked: true, scale: 'log', tab: 'catalog',
    };
    const parsed = parseHash(serialize(s));
    expect(parsed).toEqual({ state: s, problems: [] });
  });

  it('round-trips the in-context regression tab as tab=icl', () => {
    const s: ViewState = { ...DEFAULT_VIEW, tab: 'icl' };
    expect(serialize(s)).toMatch(/&tab=icl$/);
    expect(parseHash(serialize(s))).toEqual({ state: s, problems: [] });
  });

  it('round-trips the per-map colour range, omitting the shared default', () => {
    const s: ViewState = { ...DEFAULT_VIEW, scale: 'log', range: 'map' };
    expect(serialize(s)).toContain('&scale=log&range=map');
    expect(parseHash(serialize(s))).toEqual({ state: s, problems: [] });
    expect(parseHash('#range=own').problems).toEqual(['dropped range="own": expected shared or map']);
  });

  it('round-trips the map size and presentation mode, omitting the defaults', () => {
    expect(serialize(DEFAULT_VIEW)).not.toMatch(/size=|present=/);
    const s: ViewState = { ...DEFAULT_VIEW, mapSize: 'large', present: true };
    expect(serialize(s)).toMatch(/&size=large&present=1$/);
    expect(parseHash(serialize(s))).toEqual({ state: s, problems: [] });
    expect(parseHash('#size=small').state.mapSize).toBe('small');
    expect(parseHash('#size=huge')).toEqual({ state: DEFAULT_VIEW, problems: ['dropped size="huge": expected one of small, medium, large'] });
    expect(parseHash('#present=yes').problems).toEqual(['dropped present="yes": expected 0 or 1']);
    expect(parseHash('#present=yes').state.present).toBe(false);
  });

  it('keeps matrix params and given data out of the URL', () => {
    const s: ViewState = { ...DEFAULT_VIEW, variants: [{ name: 'performer', params: { projection: [[1, 2]] } }] };
    expect(serialize(s)).toContain('v=performer&');
  });
});

describe('parseHash: strict and safe', () => {
  const problemsOf = (h: string) => parseHash(h).problems.join(' | ');

  it('drops script tags and markup in variant names and values, reporting them', () => {
    const r = parseHash('#v=softmax,<script>alert(1)</script>,linear_elu&n=<img src=x onerror=alert(1)>');
    expect(r.state.variants.map((v) => v.name)).toEqual(['softmax', 'linear_elu']);
    expect(r.state.workload.n).toBe(128);
    expect(r.problems.length).toBeGreaterThanOrEqual(2);
    const enc = parseHash(`#v=${encodeURIComponent('<svg onload=alert(1)>')}`);
    expect(enc.state.variants).toEqual([]);
    expect(enc.problems[0]).toMatch(/not a variant name/);
  });

  it('rejects huge numbers, NaN, Infinity, fractions and negatives where they do not belong', () => {
    expect(problemsOf('#n=1e308')).toMatch(/n=.*whole number in 1..65536/);
    expect(parseHash('#n=1e308').state.workload.n).toBe(128);
    expect(problemsOf('#n=NaN')).toMatch(/dropped n="NaN"/);
    expect(problemsOf('#d_k=Infinity')).toMatch(/dropped d_k/);
    expect(problemsOf('#seed=-1')).toMatch(/dropped seed/);
    expect(problemsOf('#n=12.5')).toMatch(/dropped n/);
    expect(problemsOf('#n=99999999999999999999999')).toMatch(/dropped n/);
    expect(parseHash('#v=softmax(temperature:NaN)').state.variants[0]).toEqual({ name: 'softmax', params: {} });
    expect(parseHash('#v=softmax(temperature:1e999)').problems.join()).toMatch(/temperature/);
  });

  it('reports unknown fields, bad flags, bad enums, repeats and malformed encoding', () => {
    expect(problemsOf('#foo=1')).toMatch(/unknown field "foo"/);
    expect(problemsOf('#causal=yes')).toMatch(/causal="yes"/);
    expect(problemsOf('#scale=cubic')).toMatch(/scale="cubic"/);
    expect(problemsOf('#tab=lab')).toMatch(/tab="lab": expected one of compare, catalog, icl/);
    expect(parseHash('#tab=lab').state.tab).toBe('compare');
    expect(problemsOf('#w=evil')).toMatch(/w="evil"/);
    expect(problemsOf('#n=8&n=9')).toMatch(/repeated n/);
    expect(parseHash('#n=8&n=9').state.workload.n).toBe(8);
    expect(problemsOf('#n=%E0%A4%A')).toMatch(/malformed percent-encoding/);
    expect(problemsOf('#v=softmax(temperature:1')).toMatch(/unbalanced/);
    expect(problemsOf('#v=softmax((a:1))')).toMatch(/unbalanced/);
    expect(problemsOf('#strength=3')).toMatch(/not a parameter of the clustered workload/);
    expect(problemsOf('#w=gaussian&clusters=3')).toMatch(/not a parameter of the gaussian workload/);
    expect(problemsOf('#w=clustered&clusters=0')).toMatch(/clusters/);
  });

  it('range-checks the row against n and drops a lock without a row', () => {
    expect(parseHash('#n=16&row=15&lock=1').state).toMatchObject({ row: 15, locked: true });
    const r = parseHash('#n=16&row=16&lock=1');
    expect(r.state).toMatchObject({ row: null, locked: false });
    expect(r.problems.join()).toMatch(/row/);
  });

  it('caps the number of variants and refuses very long hashes', () => {
    const many = Array.from({ length: MAX_VARIANTS + 3 }, () => 'softmax').join(',');
    const r = parseHash(`#v=${many}`);
    expect(r.state.variants).toHaveLength(MAX_VARIANTS);
    expect(r.problems.join()).toMatch(/kept the first/);
    expect(parseHash(`#v=${'a'.repeat(5000)}`).problems.join()).toMatch(/longer than/);
  });

  it('echoes hostile text only as short plain ASCII', () => {
    const r = parseHash(`#${'\u202e<b>'.repeat(30)}=1`);
    for (const p of r.problems) {
      expect(p.length).toBeLessThan(120);
      expect(/[^\x20-\x7e…]/.test(p)).toBe(false);
    }
  });
});

describe('resolveVariants against the catalog', () => {
  it('drops unknown variants and params, range-checks values, keeps the rest', () => {
    const r = resolveVariants(
      [
        { name: 'nosuch', params: {} },
        { name: 'performer', params: { features: 8, bogus: 1, projection: 3 } },
        { name: 'softmax', params: { temperature: 5000 } },
        { name: 'performer', params: { features: 2.5 } },
      ],
      CATALOG,
    );
    expect(r.variants).toEqual([
      { name: 'performer', params: { features: 8 } },
      { name: 'softmax', params: {} },
      { name: 'performer', params: {} },
    ]);
    const text = r.problems.join(' | ');
    expect(text).toMatch(/unknown variant "nosuch"/);
    expect(text).toMatch(/performer.bogus/);
    expect(text).toMatch(/projection cannot come from the URL/);
    expect(text).toMatch(/temperature must be at most 1000/);
    expect(text).toMatch(/features must be a whole number/);
  });
});

describe('the workload in the URL against the core catalog', () => {
  const local50 = '#w=local&n=64&strength=50';

  it('drops strength 50 (the core accepts [0, 10]) and keeps 100 clusters (the core allows up to 4096)', () => {
    const r = parseHash(local50, CORE_SPECS);
    expect(r.state.workload.extras).toEqual({});
    expect(r.problems.join(' | ')).toMatch(/dropped strength="50": strength must be between 0 and 10, got 50/);
    expect(parseHash('#w=local&strength=9.5', CORE_SPECS)).toMatchObject({ state: { workload: { extras: { strength: 9.5 } } }, problems: [] });
    const c = parseHash('#w=clustered&clusters=100', CORE_SPECS);
    expect(c.problems).toEqual([]);
    expect(c.state.workload.extras).toEqual({ clusters: 100 });
    expect(serialize(c.state, CORE_SPECS)).toContain('&clusters=100');
  });

  it('follows the ranges and limits of the catalog it is given', () => {
    const specs = workloadSpecs(
      catalogWith((raw) => {
        raw.workloads.find((k) => k.kind === 'clustered')!.params[0]!.max = 50;
        raw.limits = { ...raw.limits, n_max: 128 };
      }),
    );
    expect(parseHash('#w=clustered&clusters=100', specs).problems.join()).toMatch(/clusters must be between 1 and 50/);
    const big = parseHash('#n=200&row=150', specs);
    expect(big.state.workload.n).toBe(128); // the default view's n
    expect(big.state.row).toBeNull();
    expect(big.problems.join(' | ')).toMatch(/dropped n="200": expected a whole number in 1..128 \| dropped row="150": expected a whole number in 0..127/);
  });

  it('reads without a registry and leaves the checks to resolveWorkload (the app, before the catalog arrives)', () => {
    const read = parseHash('#w=local&n=70000&strength=50&clusters=3&foo=2', null);
    expect(read.problems).toEqual([]);
    expect(read.state.workload).toMatchObject({ kind: 'local', n: 70000, extras: { strength: 50, clusters: 3, foo: 2 } });
    const r = resolveWorkload(read.state, CORE_SPECS);
    expect(r.state.workload).toMatchObject({ kind: 'local', n: 128, extras: {} });
    const text = r.problems.join(' | ');
    expect(text).toMatch(/dropped n="70000": expected a whole number in 1..65536/);
    expect(text).toMatch(/strength must be between 0 and 10/);
    expect(text).toMatch(/clusters: not a parameter of the local workload/);
    expect(text).toMatch(/unknown field "foo"/);
    // Syntax is still checked while reading: a word where a number belongs, an unknown kind.
    expect(parseHash('#w=clustered&clusters=many', null).problems.join(' | ')).toMatch(/clusters="many": clusters must be a number/);
    expect(parseHash('#w=evil', null).problems.join()).toMatch(/w="evil": expected one of gaussian, clustered/);
  });

  it('drops a kind the core does not offer', () => {
    const specs = workloadSpecs(catalogWith((raw) => (raw.workloads = raw.workloads.filter((k) => k.kind !== 'copy'))));
    const r = parseHash('#w=copy&period=4', specs);
    expect(r.state.workload.kind).toBe('clustered'); // the default view's kind
    expect(r.problems.join(' | ')).toMatch(/dropped w="copy": the engine offers gaussian, clustered, local, recall, given/);
  });
});
