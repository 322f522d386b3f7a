//! Uniform parameter blocks of the shaders, `#[repr(C)]` and `Pod`, each mirroring a WGSL struct.

use bytemuck::{Pod, Zeroable};

/// Mirrors `shaders/attn_softmax.wgsl::AttnSoftmaxParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct AttnSoftmaxParams {
    pub n_q: u32,
    pub n_k: u32,
    pub d_k: u32,
    pub d_v: u32,
    /// `s / τ`.
    pub scale: f32,
    pub write_weights: u32,
    pub _pad: [u32; 2],
}

/// Mirrors `KernelAttnParams` in `shaders/kernel_attn_*.wgsl`: keep all five in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct KernelAttnParams {
    pub n: u32,
    /// Feature dimension.
    pub m: u32,
    pub d_v: u32,
    pub causal: u32,
    /// ε of the normaliser guard.
    pub eps: f32,
    /// Tokens per chunk.
    pub chunk: u32,
    /// `ceil(n / chunk)`.
    pub n_chunks: u32,
    /// 0: `den + ε`; 1: `max(den, ε)`; 2: unnormalised (the normaliser is 1).
    pub guard: u32,
}

/// Mirrors `shaders/kernel_features.wgsl::FeatureParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct FeatureParams {
    pub n: u32,
    pub d: u32,
    pub m: u32,
    /// `FeatureKind` as u32.
    pub map: u32,
    pub delta: f32,
    pub tau: f32,
    /// FLatten's p.
    pub power: f32,
    /// FLatten's σ.
    pub sigma: f32,
    /// Rows of Performer's W or Hedgehog's [W | b].
    pub w_rows: u32,
    pub _pad: [u32; 3],
}

/// Mirrors `shaders/kernel_features_exp.wgsl::ExpParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct ExpParams {
    pub n: u32,
    pub m: u32,
    /// 0 row max, 1 global max, 2 exp.
    pub mode: u32,
    pub use_global: u32,
    pub delta: f32,
    /// Multiplies the features (Performer 1/√m, Hedgehog 1).
    pub scale: f32,
    pub _pad: [u32; 2],
}

/// Mirrors `shaders/kernel_features_rope.wgsl::RopeParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct RopeParams {
    pub n: u32,
    pub m: u32,
    pub _pad: [u32; 2],
}

/// Mirrors `shaders/matmul.wgsl::MatmulParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct MatmulParams {
    pub m: u32,
    pub n: u32,
    pub k: u32,
    pub _pad0: u32,
    pub alpha: f32,
    pub beta: f32,
    pub _pad1: [u32; 2],
}

/// Mirrors `YosoParams` in `shaders/yoso_{codes,weights,tables,read}.wgsl`: keep all five in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct YosoParams {
    pub n: u32,
    pub d: u32,
    pub bits: u32,
    pub hashes: u32,
    /// 0 expectation, 1 sampled.
    pub mode: u32,
    pub causal: u32,
    /// The tokens `[token_start, token_end)` of one `yoso_tables` pass.
    pub token_start: u32,
    pub token_end: u32,
    /// The hashes `[hash_start, hash_start + hash_count)` of one group of table passes.
    pub hash_start: u32,
    pub hash_count: u32,
    pub _pad: [u32; 2],
}

/// Mirrors `MhlaPassParams` in `shaders/mhla_*.wgsl`: keep all four in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct MhlaPassParams {
    pub n: u32,
    /// Feature dimension.
    pub m: u32,
    pub d_v: u32,
    pub causal: u32,
    /// ε added to the normaliser.
    pub eps: f32,
    /// Segments (runs of ≤ C tokens inside one block).
    pub n_seg: u32,
    /// Blocks B.
    pub blocks: u32,
    pub _pad: u32,
}

/// Mirrors `FlareCausalParams` in `shaders/flare_*.wgsl`: keep all four in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct FlareCausalParams {
    pub n: u32,
    /// Latent queries M.
    pub latents: u32,
    pub d_v: u32,
    /// Tokens per chunk.
    pub chunk: u32,
    /// `ceil(n / chunk)`.
    pub n_chunks: u32,
    pub _pad: [u32; 3],
}

/// Mirrors `shaders/fnet_tokens.wgsl::FnetParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct FnetParams {
    pub n: u32,
    pub d: u32,
    /// The tokens `[j_start, j_end)` summed by one pass.
    pub j_start: u32,
    pub j_end: u32,
}

/// Mirrors `shaders/fnet_fft.wgsl::FftParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct FftParams {
    pub n: u32,
    pub d: u32,
    /// The stage's butterfly span L (1, 2, 4, ..., n/2).
    pub span: u32,
    pub _pad: u32,
}

// WGSL uniform structs are laid out in 16-byte multiples: every block here is a multiple of 16 bytes.
const _: () = assert!(std::mem::size_of::<AttnSoftmaxParams>() == 32);
const _: () = assert!(std::mem::size_of::<KernelAttnParams>() == 32);
const _: () = assert!(std::mem::size_of::<FeatureParams>() == 48);
const _: () = assert!(std::mem::size_of::<ExpParams>() == 32);
const _: () = assert!(std::mem::size_of::<RopeParams>() == 16);
const _: () = assert!(std::mem::size_of::<MatmulParams>() == 32);
const _: () = assert!(std::mem::size_of::<YosoParams>() == 48);
const _: () = assert!(std::mem::size_of::<MhlaPassParams>() == 32);
const _: () = assert!(std::mem::size_of::<FlareCausalParams>() == 32);
const _: () = assert!(std::mem::size_of::<FnetParams>() == 16);
const _: () = assert!(std::mem::size_of::<FftParams>() == 16);

/// Mirrors `GatedParams` in `shaders/gated_*.wgsl`: keep all four in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct GatedParams {
    pub n: u32,
    pub d_k: u32,
    pub d_v: u32,
    /// Independent problems stacked along the first axis (HGRN: one per value channel).
    pub heads: u32,
    /// Tokens per chunk.
    pub chunk: u32,
    /// `ceil(n / chunk)`.
    pub n_chunks: u32,
    /// 1 with the delta rule.
    pub delta: u32,
    /// Mamba-2's skip `D`.
    pub skip: f32,
}

/// Mirrors `LoglinParams` in `shaders/loglin_*.wgsl`: keep all four in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct LoglinParams {
    pub n: u32,
    pub d_k: u32,
    pub d_v: u32,
    /// Tokens per chunk, a power of two.
    pub chunk: u32,
    pub n_chunks: u32,
    /// `log2(chunk)`.
    pub chunk_bits: u32,
    /// Token levels `⌈log₂ n⌉ + 1` (columns of λ).
    pub levels: u32,
    /// Chunk levels with blocks: bits of `n_chunks − 1`.
    pub chunk_levels: u32,
    /// The source level of a merge pass.
    pub level: u32,
    pub _pad: [u32; 3],
}

/// Mirrors `HlaParams` in `shaders/hla_*.wgsl`: keep all five in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct HlaParams {
    pub n: u32,
    pub d_k: u32,
    pub d_v: u32,
    /// Tokens per chunk.
    pub chunk: u32,
    pub n_chunks: u32,
    /// 1 for AHLA.
    pub asymmetric: u32,
    pub _pad: [u32; 2],
}

/// Mirrors `shaders/dwc.wgsl::DwcParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct DwcParams {
    pub n: u32,
    pub d_v: u32,
    /// Taps.
    pub k: u32,
    /// Offset of the first tap.
    pub first: i32,
}
