//! The sizes the engine accepts, in one place, with the reason for each.

/// Accepted sizes. Every check against them produces an [`crate::Error::Limit`] naming the field.
pub struct Limits;

impl Limits {
    /// Longest sequence for the O(N)-memory outputs.
    pub const MAX_N: usize = 65_536;
    /// Largest head dimension `d_k` (the GPU kernels keep a `d_k`-sized state per invocation).
    pub const MAX_D_K: usize = 256;
    /// Largest value dimension `d_v`.
    pub const MAX_D_V: usize = 256;
    /// The N×N budget: the implicit matrix `A` is materialised only for `n` up to this
    /// (2048² f32 = 16 MiB, within every WebGPU device's default 128 MiB binding limit).
    pub const MAX_N_ATTENTION: usize = 2_048;
    /// Statistics need an SVD of `A` (O(N³), f64 on the CPU): at most this `n`.
    pub const MAX_N_STATS: usize = 1_024;
}
