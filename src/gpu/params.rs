//! Uniform parameter blocks of the shaders, `#[repr(C)]` and `Pod`, each mirroring a WGSL struct.

use bytemuck::{Pod, Zeroable};

/// Mirrors `shaders/attn_softmax.wgsl::AttnSoftmaxParams`: keep in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct AttnSoftmaxParams {
    pub n: u32,
    pub d_k: u32,
    pub d_v: u32,
    pub causal: u32,
    /// `s / τ`.
    pub scale: f32,
    pub write_weights: u32,
    pub _pad: [u32; 2],
}

/// Mirrors `AttnLinearParams` in `shaders/attn_linear_{state,scan,output,weights}.wgsl`: keep
/// all five in sync.
#[repr(C)]
#[derive(Debug, Clone, Copy, Pod, Zeroable)]
pub struct AttnLinearParams {
    pub n: u32,
    pub d_k: u32,
    pub d_v: u32,
    pub causal: u32,
    pub eps: f32,
    /// Tokens per chunk.
    pub chunk: u32,
    /// `ceil(n / chunk)`.
    pub n_chunks: u32,
    pub _pad: u32,
}

// WGSL uniform structs are laid out in 16-byte multiples: both blocks are 32 bytes.
const _: () = assert!(std::mem::size_of::<AttnSoftmaxParams>() == 32);
const _: () = assert!(std::mem::size_of::<AttnLinearParams>() == 32);
