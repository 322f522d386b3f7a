// Teaching presets: at least six, each with a two-sentence caption, valid workloads, and hidden when the catalog lacks a variant.
import { describe, expect, it } from 'vitest';
import { availablePresets, PRESETS } from '../../src/state/presets';
import { validateWorkload } from '../../src/state/view';
import { CORE_SPECS } from './coreCatalog';

describe('presets', () => {
  it('has at least six, with unique ids and two-sentence captions', () => {
    expect(PRESETS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
    for (const p of PRESETS) {
      const sentences = p.caption.split(/(?<=[.!?])\s+/);
      expect(sentences, p.id).toHaveLength(2);
      expect(validateWorkload(p.state.workload, CORE_SPECS), p.id).toEqual({});
      expect(p.state.variants.length).toBeGreaterThan(0);
    }
  });

  it('offers only presets whose variants the catalog has', () => {
    const names = new Set(['softmax', 'linear_elu', 'performer']);
    const ids = availablePresets(names).map((p) => p.id);
    expect(ids).toContain('low-rank');
    expect(ids).toContain('feature-maps');
    expect(ids).not.toContain('taylor');
    expect(availablePresets(new Set())).toEqual([]);
  });
});
