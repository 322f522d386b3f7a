// The glossary: every statistic the table and badges show has a plain definition, used as their hover text.
import { describe, expect, it } from 'vitest';
import { GLOSSARY, glossaryTitle } from '../../src/lib/glossary';
import { COLUMNS } from '../../src/lib/statsTable';

describe('glossary', () => {
  it('defines the four terms the issue names, each in at most three sentences', () => {
    for (const key of ['entropy', 'effective_rank', 'stable_rank', 'spectral_gap'] as const) {
      const text = GLOSSARY[key].text;
      expect(text.length, key).toBeGreaterThan(40);
      expect(text.split(/(?<=[.!?])\s+/).length, key).toBeLessThanOrEqual(3);
    }
    expect(glossaryTitle('stable_rank')).toBe(`stable rank: ${GLOSSARY.stable_rank.text}`);
  });

  it('is the hover text of the matching table columns', () => {
    const title = (key: string) => COLUMNS.find((c) => c.key === key)!.title;
    expect(title('entropy_mean')).toBe(glossaryTitle('entropy'));
    expect(title('effective_rank')).toBe(glossaryTitle('effective_rank'));
    expect(title('stable_rank')).toBe(glossaryTitle('stable_rank'));
    expect(title('spectral_gap').startsWith(glossaryTitle('spectral_gap'))).toBe(true);
    expect(title('mean_row_kl')).toBe(glossaryTitle('row_kl'));
  });
});
