// Parsing the core's workload catalog and limits: well-formed cards kept, malformed cards, params and limits dropped.
import { describe, expect, it } from 'vitest';
import { toCatalog, toCoreLimits, toWorkloadCard } from '../../src/engine/catalog';
import { CORE_CATALOG, CORE_CATALOG_RAW } from './coreCatalog';

describe('toCatalog: the workload catalog', () => {
  it('reads every kind with its RoPE default and params (ranges and defaults as the core sent them)', () => {
    expect(CORE_CATALOG.workloads.map((w) => w.kind)).toEqual(['gaussian', 'clustered', 'local', 'copy', 'recall', 'given']);
    const local = CORE_CATALOG.workloads.find((w) => w.kind === 'local')!;
    expect(local.rope_default).toBe(true);
    expect(local.params).toEqual([
      { name: 'strength', kind: 'number', default: 3, default_note: null, min: 0, max: 10, log_scale: false, description: 'norm of the shared direction', choices: null },
    ]);
    const clustered = CORE_CATALOG.workloads.find((w) => w.kind === 'clustered')!;
    expect(clustered.params.map((p) => [p.name, p.kind, p.default, p.min, p.max])).toEqual([
      ['clusters', 'integer', 4, 1, 4096],
      ['spread', 'number', 0.3, 0, 10],
    ]);
    expect(CORE_CATALOG.limits).toEqual({ n_max: 65536, d_k_max: 256, d_v_max: 256, attention_n_max: 2048, stats_n_max: 1024 });
  });

  it('reads the same catalog from Maps (serde-wasm-bindgen)', () => {
    const asMaps = new Map<string, unknown>([
      ['variants', []],
      ['workloads', [new Map<string, unknown>([['kind', 'copy'], ['rope_default', false], ['params', [new Map<string, unknown>([['name', 'period'], ['kind', 'integer'], ['default', 8], ['min', 1], ['max', 4096]])]]])]],
      ['limits', new Map([['n_max', 65536]])],
    ]);
    const c = toCatalog(asMaps);
    expect(c.workloads[0]).toMatchObject({ kind: 'copy', params: [{ name: 'period', min: 1, max: 4096, default: 8 }] });
    expect(c.limits).toEqual({ n_max: 65536 });
  });

  it('gives an older core (variants only) no workloads and no limits', () => {
    expect(toCatalog({ variants: [] })).toEqual({ variants: [], workloads: [], limits: {} });
    expect(toCatalog(null)).toEqual({ variants: [], workloads: [], limits: {} });
  });

  it('drops malformed cards and params, and repeated kinds after the first', () => {
    const c = toCatalog({
      ...CORE_CATALOG_RAW,
      workloads: [
        null,
        'gaussian',
        { idea: 'no kind' },
        { kind: 42 },
        { kind: 'Bad Kind!' },
        { kind: 'copy', rope_default: 'yes', params: [{ name: 'period', kind: 'integer', default: 8, min: 1, max: 4096 }, { kind: 'integer' }, { name: 'x', kind: 'tensor' }] },
        { kind: 'copy', rope_default: true, params: [] },
        { kind: 'local', params: 'strength' },
      ],
    });
    expect(c.workloads.map((w) => w.kind)).toEqual(['copy', 'local']);
    expect(c.workloads[0]).toMatchObject({ rope_default: false, params: [{ name: 'period' }] });
    expect(c.workloads[0]!.params).toHaveLength(1);
    expect(c.workloads[1]).toEqual({ kind: 'local', idea: '', rope_default: false, params: [] });
    expect(toCatalog({ variants: [], workloads: { gaussian: {} } }).workloads).toEqual([]);
    expect(toWorkloadCard({ kind: 'gaussian' })).toEqual({ kind: 'gaussian', idea: '', rope_default: false, params: [] });
  });

  it('keeps only limits that are positive whole numbers', () => {
    expect(toCoreLimits({ n_max: 4096, d_k_max: -1, d_v_max: 1.5, attention_n_max: '2048', stats_n_max: null, extra: 7 })).toEqual({ n_max: 4096 });
    expect(toCoreLimits([1, 2])).toEqual({});
    expect(toCoreLimits(undefined)).toEqual({});
  });
});
