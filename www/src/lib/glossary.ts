// The glossary: one or two plain sentences per statistic, shown on hover (badges, table headers) and in the table's "what the numbers mean" list.

export type GlossaryKey = 'entropy' | 'normalized_entropy' | 'effective_rank' | 'stable_rank' | 'numerical_rank' | 'spectral_gap' | 'error_vs_softmax' | 'row_kl';

export type GlossaryEntry = { term: string; text: string };

/** Every term, in the order the statistics table shows them. */
export const GLOSSARY: Readonly<Record<GlossaryKey, GlossaryEntry>> = {
  entropy: {
    term: 'entropy',
    text: 'How spread out a row of attention is, in nats (−Σ_j A_ij ln A_ij): 0 when a query looks at a single key, ln n when it spreads evenly over n keys. The badge shows the mean over rows.',
  },
  normalized_entropy: {
    term: 'normalised entropy',
    text: 'Row entropy divided by ln(number of keys the row can see), so rows of any length compare: 0 = one key, 1 = perfectly even.',
  },
  effective_rank: {
    term: 'effective rank',
    text: 'How many independent directions the map really uses: exp of the entropy of its normalised singular values. 1 when every row is the same mix; up to n for a map like the identity.',
  },
  stable_rank: {
    term: 'stable rank',
    text: 'The sum of squared singular values divided by the largest one squared (‖A‖_F² / σ_max²): a rank that tiny singular values barely move. Never above the true rank.',
  },
  numerical_rank: {
    term: 'numerical rank',
    text: 'The number of singular values above the rank tolerance: how many directions survive rounding.',
  },
  spectral_gap: {
    term: 'spectral gap',
    text: '1 − |λ₂| / |λ₁| from the two largest eigenvalues. For a map whose rows sum to 1: near 1, applying the map again and again quickly blends every token into one average; near 0, groups of tokens stay apart for many steps.',
  },
  error_vs_softmax: {
    term: 'error vs softmax',
    text: 'How far this map is from softmax on the same Q, K, V: ‖A − A_softmax‖_F / ‖A_softmax‖_F (0 = identical, 1 = as large as the map itself).',
  },
  row_kl: {
    term: 'row KL vs softmax',
    text: 'The mean over rows of the Kullback–Leibler divergence KL(A_softmax ‖ A), in nats: how surprised softmax’s row would be by this map’s row.',
  },
};

/** The hover text of a term: its name and definition in one line. */
export function glossaryTitle(key: GlossaryKey): string {
  const e = GLOSSARY[key];
  return `${e.term}: ${e.text}`;
}
