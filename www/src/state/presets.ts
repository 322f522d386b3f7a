// Teaching presets (the default view first): a full view each, with a two-sentence caption saying what to look at.
import { DEFAULT_VIEW, DEFAULT_WORKLOAD, type Selected, type ViewState, type WorkloadState } from './view';

export type Preset = { id: string; title: string; caption: string; state: ViewState };

const v = (name: string, params: Selected['params'] = {}): Selected => ({ name, params });
const view = (variants: Selected[], workload: Partial<WorkloadState> = {}, extra: Partial<ViewState> = {}): ViewState => ({
  ...DEFAULT_VIEW,
  variants,
  workload: { ...DEFAULT_WORKLOAD, ...workload },
  ...extra,
});

export const PRESETS: readonly Preset[] = [
  {
    id: 'start',
    title: 'Start here',
    caption:
      'Keys sit around four centres: look for the bright columns in each softmax row (the keys of that query’s cluster, so rows of one cluster share a pattern), and for how evenly each linear map (elu+1, Performer, Based) spreads the same row — hover a row to see its profile for every variant below the grid. The normalised entropy badge measures that spread (1 = perfectly even), and the error vs softmax says how far each map is from the first one.',
    state: DEFAULT_VIEW,
  },
  {
    id: 'low-rank',
    title: 'Linear attention is low rank',
    caption:
      'Compare the singular-value spectra: softmax keeps a long tail, while elu+1 falls off a cliff after d_k = 16 values and the Performer after its m = 64 random features. That cliff is the price of running in O(n): every row is a mix of the same few feature directions.',
    state: view([v('softmax'), v('linear_elu'), v('performer')], { n: 256, d_k: 16 }, { scale: 'log' }),
  },
  {
    id: 'feature-maps',
    title: 'Feature maps vs softmax',
    caption:
      'The Performer estimates exp(q·k) with random features: with 8 features the map is noisy and flat, with 128 it starts to look like softmax. Watch the error vs softmax and the effective rank grow with the number of features.',
    state: view([v('softmax'), v('performer', { features: 8 }), v('performer', { features: 128 })], { n: 128, d_k: 16 }),
  },
  {
    id: 'sharpness',
    title: 'Sharpness: temperature vs focused maps',
    caption:
      'Lowering the softmax temperature sharpens every row (entropy drops); a linear map cannot do that by a scale alone. TaylorShift with a large τ and ReBased (a squared kernel) get part of the way: compare the row profiles.',
    state: view([v('softmax'), v('softmax', { temperature: 0.3 }), v('linear_elu'), v('taylorshift', { tau: 4 }), v('rebased')], {
      n: 64,
      d_k: 16,
    }),
  },
  {
    id: 'taylor',
    title: 'Taylor features',
    caption:
      'Based, TaylorShift and ReBased all replace exp(x) by a second-order polynomial, whose features are the d² pairwise products. Look at how close each map gets to softmax and at the price: a d² state instead of d.',
    state: view([v('softmax'), v('based'), v('taylorshift'), v('rebased')], { n: 128, d_k: 16 }),
  },
  {
    id: 'locality',
    title: 'Locality: cosFormer on a local workload',
    caption:
      'On the local workload nearby tokens match best, so softmax draws a bright diagonal. cosFormer adds a cos((i − j)/n) reweighting that favours nearby keys without leaving the linear family: compare its band with plain ReLU features.',
    state: view([v('softmax'), v('linear_relu'), v('cosformer')], { kind: 'local', n: 128, d_k: 16 }),
  },
  {
    id: 'clusters',
    title: 'Clustered keys',
    caption:
      'Keys sit around four centres, so each softmax row lights up the keys of one cluster as vertical stripes. The linear maps see the same stripes but smear weight over every cluster: compare the normalised entropy and the row profiles.',
    state: view([v('softmax'), v('linear_elu'), v('performer'), v('based')], { kind: 'clustered', n: 128, d_k: 16, extras: { clusters: 4 } }),
  },
  {
    id: 'causal',
    title: 'The causal mask',
    caption:
      'With a causal mask query i sees keys 0..i only, so the maps become triangles and the first rows are sharp by force. Compare the entropy curves: they all start at 0 and rise with the number of visible keys.',
    state: view([v('softmax'), v('linear_elu'), v('cosformer'), v('based')], { n: 96, d_k: 16, causal: true }),
  },
  {
    id: 'decay',
    title: 'Decay makes attention local',
    caption:
      'RetNet, Mamba-2 and GLA multiply q·k by a decay e^(G_i − G_j) that shrinks with the distance i − j, so on the log scale their maps fade away from the diagonal instead of normalising each row. RetNet forgets at one fixed rate (γ = 0.9 here), Mamba-2 at a rate set by each token’s step Δ and GLA per channel: compare the bands, the signed entries and the effective ranks in the table.',
    state: view([v('softmax'), v('linear_elu'), v('retnet', { gamma: 0.9 }), v('mamba2', { a: -16 }), v('gla')], { n: 128, d_k: 16, causal: true }, { scale: 'log' }),
  },
  {
    id: 'delta',
    title: 'The delta rule stops overwriting',
    caption:
      'On the copy workload every key comes back every 8 tokens. Plain linear attention (RetNet with γ = 1) adds each value to the state, so old copies keep their weight, while DeltaNet first erases what the state already stores under that key: on the log scale its map puts negative weight on earlier copies, cancelling them, and Gated DeltaNet adds forgetting on top.',
    state: view([v('softmax'), v('retnet', { gamma: 1 }), v('deltanet'), v('gated_deltanet')], { kind: 'copy', n: 64, d_k: 16, causal: true }, { scale: 'log' }),
  },
  {
    id: 'landmarks',
    title: 'Landmarks and routing',
    caption:
      'Linformer projects the keys to k = 16 rows, Nyströmformer goes through 8 segment-mean landmarks and FLARE routes through 16 latent queries: all three maps have rank ≤ 16. Compare the spectra against softmax and see where each approximation loses detail.',
    state: view([v('softmax'), v('linformer'), v('nystrom'), v('flare')], { n: 256, d_k: 16 }, { scale: 'log' }),
  },
  {
    id: 'hierarchy',
    title: 'Between one state and n: log-linear attention',
    caption:
      'Log-linear attention keeps one state per power-of-two block of the past (a Fenwick tree of ⌈log₂ n⌉ + 1 levels) and weighs each level per query. Its map is Mamba-2’s decayed map cut into blocks that double in size with distance: look for the staircase of blocks below the diagonal.',
    state: view([v('softmax'), v('mamba2'), v('loglinear')], { n: 128, d_k: 16, causal: true }),
  },
  {
    id: 'zoo',
    title: 'The whole zoo',
    caption:
      'Every kernel feature-map variant side by side with softmax on the same tokens. Sort the statistics table by effective rank or by error vs softmax to rank them.',
    state: view(
      ['softmax', 'linear_elu', 'linear_relu', 'performer', 'cosformer', 'based', 'taylorshift', 'rebased'].map((n) => v(n)),
      { n: 256, d_k: 16 },
    ),
  },
];

/** The presets whose variants all exist in the catalog (others wait for the core to add them). */
export function availablePresets(names: ReadonlySet<string>): Preset[] {
  return PRESETS.filter((p) => p.state.variants.every((s) => names.has(s.name)));
}
