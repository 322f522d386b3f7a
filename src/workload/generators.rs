//! The synthetic workloads: seeded Q, K, V with a defining structure each (tested in
//! `tests/workloads.rs`). Every tensor draws from its own stream of the seed, so changing one
//! dimension never shifts another tensor's numbers.

use crate::rng::{stream, SeededRng};
use crate::tensor::Matrix;

/// Shapes shared by every generator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Sequence length.
    pub n: usize,
    /// Query/key dimension.
    pub d_k: usize,
    /// Value dimension.
    pub d_v: usize,
}

/// Norm scale of the `copy` embeddings (matching logits ≈ strength² · √d / √d after scaling).
pub const COPY_STRENGTH: f32 = 2.0;
/// Norm scale of the `recall` keys.
pub const RECALL_STRENGTH: f32 = 3.0;

/// `(Q, K, V)` as generated.
pub type Tensors = (Matrix, Matrix, Matrix);

fn normal(seed: u64, stream: u64, rows: usize, cols: usize) -> Matrix {
    SeededRng::new(seed, stream).normal_matrix(rows, cols)
}

/// `a · x + b · y`, entry by entry.
fn mix(a: f32, x: &Matrix, b: f32, y: &Matrix) -> Matrix {
    let data = x
        .data()
        .iter()
        .zip(y.data())
        .map(|(p, q)| a * p + b * q)
        .collect();
    Matrix::from_vec(x.rows(), x.cols(), data).unwrap_or_else(|_| x.clone())
}

/// `a · x`.
fn scaled(x: &Matrix, a: f32) -> Matrix {
    mix(a, x, 0.0, x)
}

/// Row `rows[i]` of `table` for every i.
fn gather(table: &Matrix, rows: &[usize]) -> Matrix {
    let mut out = Matrix::zeros(rows.len(), table.cols());
    for (i, &r) in rows.iter().enumerate() {
        out.row_mut(i).copy_from_slice(table.row(r));
    }
    out
}

/// iid N(0, 1) entries.
pub fn gaussian(shape: Shape, seed: u64) -> Tensors {
    (
        normal(seed, stream::Q, shape.n, shape.d_k),
        normal(seed, stream::K, shape.n, shape.d_k),
        normal(seed, stream::V, shape.n, shape.d_v),
    )
}

/// Tokens belong to `clusters` groups (uniformly at random; returned); a token's query and key are
/// its group's centre (N(0, I)) plus `spread ·` N(0, I) noise, so queries attend within their group.
pub fn clustered(shape: Shape, seed: u64, clusters: usize, spread: f32) -> (Tensors, Vec<usize>) {
    let centres = normal(seed, stream::CENTRES, clusters, shape.d_k);
    let mut pick = SeededRng::new(seed, stream::ASSIGN);
    let groups: Vec<usize> = (0..shape.n).map(|_| pick.below(clusters)).collect();
    let around = gather(&centres, &groups);
    let (q_noise, k_noise, v) = gaussian(shape, seed);
    let q = mix(1.0, &around, spread, &q_noise);
    let k = mix(1.0, &around, spread, &k_noise);
    ((q, k, v), groups)
}

/// Every query and key is `strength · d^{1/4} · u` for one random unit direction `u`, plus small
/// noise: without RoPE every row is nearly uniform; with RoPE `q_i·k_j` depends on `i − j` and
/// peaks at `i = j`, so attention is local.
pub fn local(shape: Shape, seed: u64, strength: f32) -> Tensors {
    let mut u = normal(seed, stream::CENTRES, 1, shape.d_k);
    let norm = u
        .data()
        .iter()
        .map(|x| x * x)
        .sum::<f32>()
        .sqrt()
        .max(f32::MIN_POSITIVE);
    let scale = strength * (shape.d_k as f32).powf(0.25) / norm;
    u.row_mut(0).iter_mut().for_each(|x| *x *= scale);
    let direction = gather(&u, &vec![0; shape.n]);
    let (q_noise, k_noise, v) = gaussian(shape, seed);
    (
        mix(1.0, &direction, 0.1, &q_noise),
        mix(1.0, &direction, 0.1, &k_noise),
        v,
    )
}

/// A random pattern of `period` token embeddings repeated; an induction head's inputs: the query
/// of token t is its embedding, the key of token j is the embedding of token j − 1, so query t
/// matches the tokens that follow earlier copies of itself (j ≡ t + 1 mod period). Values are
/// the embeddings' own random values.
pub fn copy(shape: Shape, seed: u64, period: usize, strength: f32) -> Tensors {
    let mut table = normal(seed, stream::CENTRES, period, shape.d_k);
    let scale = strength / (shape.d_k as f32).powf(0.25);
    for r in 0..period {
        let norm = table
            .row(r)
            .iter()
            .map(|x| x * x)
            .sum::<f32>()
            .sqrt()
            .max(f32::MIN_POSITIVE);
        table
            .row_mut(r)
            .iter_mut()
            .for_each(|x| *x *= scale * (shape.d_k as f32).sqrt() / norm);
    }
    let tokens: Vec<usize> = (0..shape.n).map(|t| t % period).collect();
    let q = gather(&table, &tokens);
    let mut k = normal(seed, stream::K, shape.n, shape.d_k); // key 0 has no previous token
    for j in 1..shape.n {
        k.row_mut(j).copy_from_slice(table.row(tokens[j - 1]));
    }
    let values = normal(seed, stream::V, period, shape.d_v);
    (q, k, gather(&values, &tokens))
}

/// Associative recall: the first `pairs` tokens store random keys (norm `strength · d^{1/4}`) with
/// random values; every later token queries one stored key chosen at random, and its own key is
/// small noise. Query t should attend to the position whose key it repeats.
pub fn recall(shape: Shape, seed: u64, pairs: usize, strength: f32) -> (Tensors, Vec<usize>) {
    let pairs = pairs.min(shape.n);
    let mut stored = normal(seed, stream::CENTRES, pairs, shape.d_k);
    for r in 0..pairs {
        let norm = stored
            .row(r)
            .iter()
            .map(|x| x * x)
            .sum::<f32>()
            .sqrt()
            .max(f32::MIN_POSITIVE);
        let scale = strength * (shape.d_k as f32).powf(0.25) / norm;
        stored.row_mut(r).iter_mut().for_each(|x| *x *= scale);
    }
    let mut pick = SeededRng::new(seed, stream::ASSIGN);
    let targets: Vec<usize> = (0..shape.n)
        .map(|t| if t < pairs { t } else { pick.below(pairs) })
        .collect();
    let (noise_q, noise_k, v) = gaussian(shape, seed);
    let mut q = scaled(&noise_q, 0.1);
    let mut k = scaled(&noise_k, 0.1);
    for (t, &target) in targets.iter().enumerate() {
        if t < pairs {
            k.row_mut(t).copy_from_slice(stored.row(t));
        } else {
            q.row_mut(t).copy_from_slice(stored.row(target));
        }
    }
    ((q, k, v), targets)
}
