//! Statistics of an attention matrix (variants.md §12): row entropy on `|A|` normalised over each
//! row's support (its [`Mask`]), singular values, effective / stable / numerical rank, spectral gap, the ranks of
//! the output and of the KV state, and errors against softmax. Pure functions, in f64.

pub mod compare;
pub mod entropy;
pub mod spectrum;

use crate::error::Result;
use crate::tensor::Matrix;
use compare::VsSoftmax;
use serde::Serialize;

pub use crate::attention::mask::Mask;

/// The largest n whose spectral gap is computed: it needs all eigenvalues of a general matrix
/// (a Schur decomposition, O(n³) with a large constant).
pub const MAX_N_SPECTRAL_GAP: usize = 512;

/// Rank summary of a matrix other than `A` (the output, the KV state).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankSummary {
    /// Singular values, largest first.
    pub singular_values: Vec<f64>,
    /// Effective rank.
    pub effective_rank: f64,
    /// Numerical rank at `σ_1 · max(rows, cols) · ε_f32`.
    pub numerical_rank: usize,
}

impl RankSummary {
    /// The summary of `m`.
    pub fn of(m: &Matrix) -> Result<RankSummary> {
        let singular_values = spectrum::singular_values(m)?;
        let tol = spectrum::rank_tolerance(&singular_values, m.rows(), m.cols());
        Ok(RankSummary {
            effective_rank: spectrum::effective_rank(&singular_values),
            numerical_rank: spectrum::numerical_rank(&singular_values, tol),
            singular_values,
        })
    }
}

/// The statistics block of a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// `H_i = −Σ_j P_ij ln P_ij` per row, in nats.
    pub entropy_rows: Vec<f64>,
    /// `H_i / ln n_i` per row (0 where `n_i = 1`), in [0, 1].
    pub entropy_normalized_rows: Vec<f64>,
    /// Mean of `entropy_rows`.
    pub entropy_mean: f64,
    /// Mean of `entropy_normalized_rows` over all rows.
    pub entropy_normalized_mean: f64,
    /// True when `A` has negative entries, so the entropy is that of `|A|` row-normalised.
    pub entropy_on_abs: bool,
    /// Smallest and largest row sum of `A` over the supports (both 1 when row-normalised).
    pub row_sum_min: f64,
    /// See `row_sum_min`.
    pub row_sum_max: f64,
    /// Rows of a row-normalised variant whose sum is not 1 (off by more than
    /// [`ROW_SUM_TOLERANCE`]): a query whose features carry no mass (0/(0 + ε)), or a normaliser
    /// that underflowed. Such a row is undefined in the mathematics, not a zero: the page flags
    /// the map. Empty for variants that are not row-normalised (signed, decay, YOSO, ...).
    pub unnormalized_rows: Vec<usize>,
    /// `σ_1 ≥ … ≥ σ_n` of `A`.
    pub singular_values: Vec<f64>,
    /// Roy & Vetterli's `exp(−Σ p_r ln p_r)` with `p_r = σ_r / Σ σ`.
    pub effective_rank: f64,
    /// `Σ σ² / σ_1²`.
    pub stable_rank: f64,
    /// `#{σ_r > rank_tolerance}`.
    pub numerical_rank: usize,
    /// `σ_1 · n · ε_f32`.
    pub rank_tolerance: f64,
    /// `1 − |λ_2| / |λ_1|`; null above [`MAX_N_SPECTRAL_GAP`].
    pub spectral_gap: Option<f64>,
    /// What the gap means here (the causal caveat, or why it is missing); null otherwise.
    pub spectral_gap_note: Option<String>,
    /// Ranks of the output `O` (n × d_v).
    pub output: RankSummary,
    /// Ranks of the final KV state: `S = φ(K)ᵀ V` (m × d_v) of kernel variants, the last recurrent
    /// state of decay / delta-rule / HLA variants (d_k × d_v); null otherwise.
    pub kv_state: Option<RankSummary>,
    /// Errors against softmax, when the request has `compare_to: "softmax"`.
    pub vs_softmax: Option<VsSoftmax>,
}

/// What the statistics are computed from.
pub struct StatsInputs<'a> {
    /// `A`, n × n.
    pub attention: &'a Matrix,
    /// `O`, n × d_v.
    pub output: &'a Matrix,
    /// The variant's mask (each row's support).
    pub mask: Mask,
    /// The final KV state, for kernel variants.
    pub kv_state: Option<&'a Matrix>,
    /// Softmax's `(A, O, mask)` on the same inputs, for `compare_to`.
    pub softmax: Option<(&'a Matrix, &'a Matrix, Mask)>,
    /// True when every row of `A` should sum to 1 (the variant is row-normalised and nothing,
    /// such as RoPE on kernel features or FLatten's conv, makes it otherwise).
    pub row_normalized: bool,
}

/// How far a row sum of a row-normalised `A` (f32 entries) may be from 1.
pub const ROW_SUM_TOLERANCE: f64 = 1e-3;

/// All statistics.
pub fn compute(inputs: &StatsInputs<'_>) -> Result<Stats> {
    let a = inputs.attention;
    let n = a.rows();
    let rows = entropy::row_entropy(a, inputs.mask);
    let count = n.max(1) as f64;
    let singular_values = spectrum::singular_values(a)?;
    let rank_tolerance = spectrum::rank_tolerance(&singular_values, n, a.cols());
    let row_sums: Vec<f64> = (0..n)
        .map(|i| {
            a.row(i)[inputs.mask.keys(i, a.cols())]
                .iter()
                .map(|&x| f64::from(x))
                .sum()
        })
        .collect();
    let causal = inputs.mask.is_causal();
    let (spectral_gap, spectral_gap_note) = if n != a.cols() {
        (
            None,
            Some("only square matrices have eigenvalues".to_owned()),
        )
    } else if n > MAX_N_SPECTRAL_GAP {
        (
            None,
            Some(format!(
                "not computed above n = {MAX_N_SPECTRAL_GAP} (all eigenvalues of a general matrix)"
            )),
        )
    } else {
        let moduli = spectrum::eigenvalue_moduli(a, causal)?;
        let note = causal.then(|| {
            "causal A is triangular: its eigenvalues are its diagonal, so the gap only measures \
             self-attention"
                .to_owned()
        });
        (Some(spectrum::spectral_gap(&moduli)), note)
    };
    Ok(Stats {
        entropy_mean: rows.entropy.iter().sum::<f64>() / count,
        entropy_normalized_mean: rows.normalized.iter().sum::<f64>() / count,
        entropy_on_abs: a.data().iter().any(|&x| x < 0.0),
        row_sum_min: row_sums.iter().copied().fold(f64::INFINITY, f64::min),
        row_sum_max: row_sums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        unnormalized_rows: if inputs.row_normalized {
            (0..n)
                .filter(|&i| (row_sums[i] - 1.0).abs() > ROW_SUM_TOLERANCE)
                .collect()
        } else {
            Vec::new()
        },
        effective_rank: spectrum::effective_rank(&singular_values),
        stable_rank: spectrum::stable_rank(&singular_values),
        numerical_rank: spectrum::numerical_rank(&singular_values, rank_tolerance),
        rank_tolerance,
        spectral_gap,
        spectral_gap_note,
        output: RankSummary::of(inputs.output)?,
        kv_state: inputs.kv_state.map(RankSummary::of).transpose()?,
        vs_softmax: inputs.softmax.map(|(a_sm, o_sm, sm_mask)| {
            compare::vs_softmax(a, inputs.output, inputs.mask, a_sm, o_sm, sm_mask)
        }),
        entropy_rows: rows.entropy,
        entropy_normalized_rows: rows.normalized,
        singular_values,
    })
}
