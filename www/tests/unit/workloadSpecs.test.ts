// The workload registry: ranges, defaults, RoPE defaults and limits come from the core's catalog; the page's table is the fallback.
import { describe, expect, it } from 'vitest';
import { EMPTY_CATALOG } from '../../src/engine/catalog';
import { buildRequest, outputsFor } from '../../src/lib/request';
import { checkExtra, workloadInfo, workloadSpecs } from '../../src/lib/workloadSpecs';
import { FALLBACK_SPECS } from '../../src/lib/workloads';
import { DEFAULT_WORKLOAD, validateWorkload, type WorkloadState } from '../../src/state/view';
import { catalogWith, CORE_SPECS } from './coreCatalog';

const w = (over: Partial<WorkloadState> = {}): WorkloadState => ({ ...DEFAULT_WORKLOAD, ...over });
const extra = (specs: typeof CORE_SPECS, kind: string, name: string) => workloadInfo(specs, kind)!.extras.find((e) => e.name === name)!;

describe('workloadSpecs from the core catalog', () => {
  it('takes ranges, defaults and RoPE defaults from the core, words and order from the page', () => {
    expect(CORE_SPECS.kinds.map((k) => k.kind)).toEqual(['gaussian', 'clustered', 'local', 'copy', 'recall', 'given']);
    expect(extra(CORE_SPECS, 'local', 'strength')).toEqual({
      name: 'strength', label: 'strength', integer: false, min: 0, max: 10, default: 3, hint: 'how strongly position decides the score',
    });
    expect(extra(CORE_SPECS, 'clustered', 'clusters')).toMatchObject({ integer: true, min: 1, max: 4096, default: 4 });
    expect(workloadInfo(CORE_SPECS, 'local')!.ropeDefault).toBe(true);
    expect(workloadInfo(CORE_SPECS, 'given')!.label).toBe('given (paste Q, K, V)');
    expect(CORE_SPECS.limits).toMatchObject({ n: { min: 1, max: 65536 }, d_k: { max: 256 }, d_v: { max: 256 }, attentionN: 2048, statsN: 1024 });
  });

  it('rejects strength 50 with the core range [0, 10] and accepts 100 clusters (the core allows 4096)', () => {
    expect(validateWorkload(w({ kind: 'local', extras: { strength: 50 } }), CORE_SPECS)).toEqual({
      strength: 'strength must be between 0 and 10, got 50',
    });
    expect(validateWorkload(w({ kind: 'local', extras: { strength: 10 } }), CORE_SPECS)).toEqual({});
    expect(validateWorkload(w({ kind: 'clustered', extras: { clusters: 100 } }), CORE_SPECS)).toEqual({});
    expect(validateWorkload(w({ kind: 'clustered', extras: { clusters: 4097 } }), CORE_SPECS).clusters).toMatch(/between 1 and 4096/);
    expect(checkExtra(extra(CORE_SPECS, 'clustered', 'clusters'), 2.5)).toBe('clusters must be a whole number, got 2.5');
  });

  it('follows a core whose numbers differ from the page fallback', () => {
    const specs = workloadSpecs(
      catalogWith((raw) => {
        const local = raw.workloads.find((k) => k.kind === 'local')!;
        local.rope_default = false;
        local.params = [{ ...local.params[0]!, max: 5, default: 1 }];
        raw.workloads.find((k) => k.kind === 'copy')!.params[0]!.max = 16;
        raw.limits = { ...raw.limits, n_max: 512, d_k_max: 64, attention_n_max: 256, stats_n_max: 128 };
      }),
    );
    expect(extra(specs, 'local', 'strength')).toMatchObject({ max: 5, default: 1 });
    expect(validateWorkload(w({ kind: 'local', extras: { strength: 6 } }), specs).strength).toMatch(/between 0 and 5/);
    expect(validateWorkload(w({ kind: 'copy', extras: { period: 17 } }), specs).period).toMatch(/between 1 and 16/);
    expect(validateWorkload(w({ n: 1024 }), specs).n).toMatch(/between 1 and 512/);
    expect(validateWorkload(w({ d_k: 128 }), specs).d_k).toMatch(/between 1 and 64/);
    expect(outputsFor(200, specs.limits)).toEqual(['attention']);
    expect(outputsFor(300, specs.limits)).toEqual(['output']);
    // The RoPE default is the core's: local without RoPE is now the default, so "rope" is not sent.
    const opts = { compareTo: false, given: null, specs };
    expect('rope' in buildRequest({ name: 'softmax', params: {} }, w({ kind: 'local', n: 64, rope: false }), opts).workload).toBe(false);
    expect(buildRequest({ name: 'softmax', params: {} }, w({ kind: 'local', n: 64, rope: true }), opts).workload).toMatchObject({ rope: true });
  });

  it('offers only the kinds the core lists, and only numeric params with a finite range', () => {
    const specs = workloadSpecs(
      catalogWith((raw) => {
        raw.workloads = raw.workloads.filter((k) => k.kind !== 'recall');
        raw.workloads.push({ kind: 'induction', idea: 'new', rope_default: false, params: [] });
        const clustered = raw.workloads.find((k) => k.kind === 'clustered')!;
        clustered.params.push({ name: 'flag', kind: 'boolean', default: true }, { name: 'open', kind: 'number', default: 1, min: 0 });
        clustered.params[1] = { ...clustered.params[1]!, default: 99 };
      }),
    );
    expect(specs.kinds.map((k) => k.kind)).toEqual(['gaussian', 'clustered', 'local', 'copy', 'given']);
    expect(validateWorkload(w({ kind: 'recall' }), specs)).toEqual({ kind: 'unknown workload recall' });
    const clustered = workloadInfo(specs, 'clustered')!;
    expect(clustered.extras.map((e) => e.name)).toEqual(['clusters', 'spread']);
    // A default outside the core's own range falls back to the page's.
    expect(clustered.extras[1]).toMatchObject({ min: 0, max: 10, default: 0.3 });
  });

  it('falls back to the page table without a catalog, with an older core, or with nothing usable', () => {
    expect(workloadSpecs(null)).toBe(FALLBACK_SPECS);
    const older = workloadSpecs(EMPTY_CATALOG);
    expect(older.kinds).toBe(FALLBACK_SPECS.kinds);
    expect(older.limits).toEqual(FALLBACK_SPECS.limits);
    const partial = workloadSpecs(
      catalogWith((raw) => {
        raw.workloads = [{ kind: 'bogus', idea: '', rope_default: false, params: [] }];
        raw.limits = { n_max: 4096 };
      }),
    );
    expect(partial.kinds).toBe(FALLBACK_SPECS.kinds);
    expect(partial.limits).toEqual({ ...FALLBACK_SPECS.limits, n: { min: 1, max: 4096 } });
  });

  it('keeps the fallback table in step with the core (the drift this registry removes)', () => {
    for (const info of CORE_SPECS.kinds) {
      const page = workloadInfo(FALLBACK_SPECS, info.kind)!;
      expect(page.ropeDefault, info.kind).toBe(info.ropeDefault);
      expect(page.extras.map(({ name, integer, min, max, default: d }) => ({ name, integer, min, max, d })), info.kind).toEqual(
        info.extras.map(({ name, integer, min, max, default: d }) => ({ name, integer, min, max, d })),
      );
    }
    expect(FALLBACK_SPECS.limits).toEqual(CORE_SPECS.limits);
  });
});
