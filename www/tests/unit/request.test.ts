// View state → Requests the CLI accepts: the N×N budget, RoPE only when it differs, compare_to, labels, error targets.
import { describe, expect, it } from 'vitest';
import { cliCommand } from '../../src/lib/exportData';
import { buildRequest, outputsFor, selectionLabel, targetForField } from '../../src/lib/request';
import { DEFAULT_WORKLOAD, type WorkloadState } from '../../src/state/view';
import { CORE_SPECS } from './coreCatalog';

const w = (over: Partial<WorkloadState> = {}): WorkloadState => ({ ...DEFAULT_WORKLOAD, ...over });
const opts = { compareTo: true, given: null, specs: CORE_SPECS };
const limits = CORE_SPECS.limits;

describe('buildRequest', () => {
  it('builds the default softmax request (no compare_to for softmax itself)', () => {
    expect(buildRequest({ name: 'softmax', params: {} }, w(), opts)).toEqual({
      variant: { name: 'softmax' },
      causal: false,
      workload: { kind: 'gaussian', n: 64, d_k: 16, d_v: 16, seed: 1 },
      backend: 'auto',
      outputs: ['attention', 'stats'],
    });
  });

  it('adds the params the user set and compare_to for other variants', () => {
    const r = buildRequest({ name: 'performer', params: { features: 8, hyperbolic: true } }, w({ causal: true, d_v: 4 }), opts);
    expect(r.variant).toEqual({ name: 'performer', features: 8, hyperbolic: true });
    expect(r.compare_to).toBe('softmax');
    expect(r.causal).toBe(true);
    expect(r.workload).toMatchObject({ d_k: 16, d_v: 4 });
    expect(buildRequest({ name: 'performer', params: {} }, w(), { ...opts, compareTo: false }).compare_to).toBeUndefined();
  });

  it('follows the n×n budget: map + stats to 1024, map to 2048, then outputs only', () => {
    expect(outputsFor(1024, limits)).toEqual(['attention', 'stats']);
    expect(outputsFor(1025, limits)).toEqual(['attention']);
    expect(outputsFor(2048, limits)).toEqual(['attention']);
    expect(outputsFor(2049, limits)).toEqual(['output']);
    expect(buildRequest({ name: 'softmax', params: {} }, w({ n: 4096 }), opts).outputs).toEqual(['output']);
  });

  it('sends rope only when it differs from the kind default, and the kind extras', () => {
    expect('rope' in buildRequest({ name: 'softmax', params: {} }, w({ rope: false }), opts).workload).toBe(false);
    expect(buildRequest({ name: 'softmax', params: {} }, w({ rope: true }), opts).workload).toMatchObject({ rope: true });
    const local = buildRequest({ name: 'softmax', params: {} }, w({ kind: 'local', rope: false, extras: { strength: 2 } }), opts);
    expect(local.workload).toMatchObject({ kind: 'local', rope: false, strength: 2 });
    const clustered = buildRequest({ name: 'softmax', params: {} }, w({ kind: 'clustered', extras: { clusters: 3, strength: 9 } }), opts);
    expect(clustered.workload).toMatchObject({ clusters: 3 });
    expect('strength' in clustered.workload).toBe(false);
  });

  it('builds a given workload from parsed matrices', () => {
    const given = { q: [[1, 0]], k: [[0, 1]], v: [[2]] };
    const r = buildRequest({ name: 'softmax', params: {} }, w({ kind: 'given' }), { ...opts, compareTo: false, given });
    expect(r.workload).toEqual({ kind: 'given', q: [[1, 0]], k: [[0, 1]], v: [[2]] });
    expect(() => buildRequest({ name: 'softmax', params: {} }, w({ kind: 'given' }), opts)).toThrow(/needs Q, K and V/);
  });

  it('is plain JSON and makes a CLI line', () => {
    const r = buildRequest({ name: 'linear_elu', params: {} }, w({ n: 4, d_k: 2 }), { ...opts, compareTo: false });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(cliCommand(r)).toBe(
      `echo '{"variant":{"name":"linear_elu"},"causal":false,"workload":{"kind":"gaussian","n":4,"d_k":2,"d_v":2,"seed":1},"backend":"auto","outputs":["attention","stats"]}' | attnscope eval`,
    );
  });
});

describe('selectionLabel', () => {
  it('names the variant and the params that differ from the defaults', () => {
    expect(selectionLabel({ name: 'softmax', params: {} })).toBe('softmax');
    expect(selectionLabel({ name: 'performer', params: { features: 8 } })).toBe('performer (features 8)');
    expect(selectionLabel({ name: 'performer', params: { projection: [[1]] } })).toBe('performer (projection given)');
  });
});

describe('targetForField', () => {
  it('maps core error fields to the control that shows them', () => {
    expect(targetForField('workload.n')).toEqual({ kind: 'workload', control: 'n' });
    expect(targetForField('workload.k[1]')).toEqual({ kind: 'workload', control: 'given' });
    expect(targetForField('variant.features')).toEqual({ kind: 'param', param: 'features' });
    expect(targetForField('variant.name')).toEqual({ kind: 'none' });
    expect(targetForField('outputs')).toEqual({ kind: 'workload', control: 'n' });
    expect(targetForField('causal')).toEqual({ kind: 'workload', control: 'causal' });
    expect(targetForField('')).toEqual({ kind: 'none' });
  });
});
