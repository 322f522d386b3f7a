//! `Pipelines`: every compute pipeline, built once when the context is created, with its
//! shader validated inside an error scope so a bad shader is an error, not a panic. Each
//! `shaders/<name>.wgsl` becomes one [`Kernel`]; `attn_*.rs` encode the runs.

pub mod attn_softmax;
pub mod dwc;
pub mod flare_causal;
pub mod flow;
pub mod fnet;
pub mod gated;
pub mod hla;
pub mod kernel;
pub mod kernel_attn;
pub mod kernel_features;
pub mod loglinear;
pub mod lowrank;
pub mod matmul;
pub mod mhla;
pub mod submit;
pub mod yoso;

pub use kernel::{Grid, Kernel};

use crate::error::{Error, Result};

/// Invocations per workgroup of every shader (`WG` in each file): keep in sync.
pub const WORKGROUP_SIZE: u32 = 64;
/// Workgroups per grid row: 1-D dispatches past this fold into y (`GRID_X` in the shaders).
pub const GRID_X: u32 = 65_535;

/// Every pipeline of the crate.
pub struct Pipelines {
    pub(crate) softmax: Kernel,
    pub(crate) softmax_online: Kernel,
    pub(crate) matmul: Kernel,
    pub(crate) fnet_tokens: Kernel,
    pub(crate) fnet_fft: Kernel,
    pub(crate) yoso_codes: Kernel,
    pub(crate) yoso_weights: Kernel,
    pub(crate) yoso_tables: Kernel,
    pub(crate) yoso_read: Kernel,
    pub(crate) features: Kernel,
    pub(crate) features_exp: Kernel,
    pub(crate) features_rope: Kernel,
    pub(crate) kernel_state: Kernel,
    pub(crate) kernel_scan: Kernel,
    pub(crate) kernel_intra: Kernel,
    pub(crate) kernel_output: Kernel,
    pub(crate) kernel_weights: Kernel,
    pub(crate) gated_prep: Kernel,
    pub(crate) gated_pairs: Kernel,
    pub(crate) gated_solve: Kernel,
    pub(crate) gated_scan: Kernel,
    pub(crate) loglin_pairs: Kernel,
    pub(crate) loglin_chunks: Kernel,
    pub(crate) loglin_merge: Kernel,
    pub(crate) loglin_output: Kernel,
    pub(crate) hla_delta_s: Kernel,
    pub(crate) hla_pairs: Kernel,
    pub(crate) hla_read: Kernel,
    pub(crate) hla_kernel: Kernel,
    pub(crate) hla_scan: Kernel,
    pub(crate) dwc: Kernel,
    pub(crate) flare_chunks: Kernel,
    pub(crate) flare_scan: Kernel,
    pub(crate) flare_output: Kernel,
    pub(crate) flare_weights: Kernel,
    pub(crate) mhla_state: Kernel,
    pub(crate) mhla_blocks: Kernel,
    pub(crate) mhla_output: Kernel,
    pub(crate) mhla_weights: Kernel,
}

impl Pipelines {
    /// Compiles every shader and builds every pipeline.
    pub async fn new(device: &wgpu::Device) -> Result<Pipelines> {
        let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
        // Each binding list mirrors the table in its shader's header: `true` = read-only storage.
        let pipelines = Pipelines {
            softmax: Kernel::new(
                device,
                "attn_softmax",
                include_str!("../../../shaders/attn_softmax.wgsl"),
                &[true, true, true, true, false, false], // q, k, v, key_ranges, out, weights
            ),
            softmax_online: Kernel::new(
                device,
                "attn_softmax_online",
                include_str!("../../../shaders/attn_softmax_online.wgsl"),
                &[true, true, true, true, false, false], // q, k, v, key_ranges, out, weights
            ),
            matmul: Kernel::new(
                device,
                "matmul",
                include_str!("../../../shaders/matmul.wgsl"),
                &[true, true, false], // a, b, c
            ),
            fnet_tokens: Kernel::new(
                device,
                "fnet_tokens",
                include_str!("../../../shaders/fnet_tokens.wgsl"),
                &[true, true, false, false], // twiddle, v, cv, sv
            ),
            fnet_fft: Kernel::new(
                device,
                "fnet_fft",
                include_str!("../../../shaders/fnet_fft.wgsl"),
                &[true, true, true, false, false], // twiddle, x_re, x_im, y_re, y_im
            ),
            yoso_codes: Kernel::new(
                device,
                "yoso_codes",
                include_str!("../../../shaders/yoso_codes.wgsl"),
                &[true, true, false], // x, planes, codes
            ),
            yoso_weights: Kernel::new(
                device,
                "yoso_weights",
                include_str!("../../../shaders/yoso_weights.wgsl"),
                &[true, true, true, true, false], // q, k, q_codes, k_codes, weights
            ),
            yoso_tables: Kernel::new(
                device,
                "yoso_tables",
                include_str!("../../../shaders/yoso_tables.wgsl"),
                &[true, true, true, false, false], // q_codes, k_codes, v, tables, partial
            ),
            yoso_read: Kernel::new(
                device,
                "yoso_read",
                include_str!("../../../shaders/yoso_read.wgsl"),
                &[true, true, true, false], // q_codes, tables, partial, out
            ),
            features: Kernel::new(
                device,
                "kernel_features",
                include_str!("../../../shaders/kernel_features.wgsl"),
                &[true, true, false], // x, w, features
            ),
            features_exp: Kernel::new(
                device,
                "kernel_features_exp",
                include_str!("../../../shaders/kernel_features_exp.wgsl"),
                &[false, false, false], // values, maxima, out
            ),
            features_rope: Kernel::new(
                device,
                "kernel_features_rope",
                include_str!("../../../shaders/kernel_features_rope.wgsl"),
                &[true, true, false], // features, table, rotated
            ),
            kernel_state: Kernel::new(
                device,
                "kernel_attn_state",
                include_str!("../../../shaders/kernel_attn_state.wgsl"),
                &[true, true, true, false], // fk_num, fk, v, states
            ),
            kernel_scan: Kernel::new(
                device,
                "kernel_attn_scan",
                include_str!("../../../shaders/kernel_attn_scan.wgsl"),
                &[false], // states
            ),
            kernel_intra: Kernel::new(
                device,
                "kernel_attn_intra",
                include_str!("../../../shaders/kernel_attn_intra.wgsl"),
                &[true, true, true, true, false, false], // fq_num, fk_num, fq, fk, scores_num, scores_den
            ),
            kernel_output: Kernel::new(
                device,
                "kernel_attn_output",
                include_str!("../../../shaders/kernel_attn_output.wgsl"),
                // fq_num, fq, v, states, scores_num, scores_den, out, normaliser
                &[true, true, true, true, true, true, false, false],
            ),
            kernel_weights: Kernel::new(
                device,
                "kernel_attn_weights",
                include_str!("../../../shaders/kernel_attn_weights.wgsl"),
                &[true, true, true, false], // fq_num, fk_num, normaliser, weights
            ),
            gated_prep: Kernel::new(
                device,
                "gated_prep",
                include_str!("../../../shaders/gated_prep.wgsl"),
                &[true, false], // g, gamma
            ),
            gated_pairs: Kernel::new(
                device,
                "gated_pairs",
                concat!(
                    include_str!("../../../shaders/gated_pairs.wgsl"),
                    include_str!("../../../shaders/gamma_spans.wgsl")
                ),
                &[true, true, true, true, false, false], // q, k, gamma, beta, p, l
            ),
            gated_solve: Kernel::new(
                device,
                "gated_solve",
                concat!(
                    include_str!("../../../shaders/gated_solve.wgsl"),
                    include_str!("../../../shaders/gamma_spans.wgsl")
                ),
                &[true, true, true, true, true, false, false], // k, v, gamma, beta, l, w, u
            ),
            gated_scan: Kernel::new(
                device,
                "gated_scan",
                concat!(
                    include_str!("../../../shaders/gated_scan.wgsl"),
                    include_str!("../../../shaders/gamma_spans.wgsl")
                ),
                // q, k, v, gamma, p, w, u, out
                &[true, true, true, true, true, true, true, false],
            ),
            loglin_pairs: Kernel::new(
                device,
                "loglin_pairs",
                concat!(
                    include_str!("../../../shaders/loglin_pairs.wgsl"),
                    include_str!("../../../shaders/gamma_spans.wgsl")
                ),
                &[true, true, true, true, false], // q, k, gamma, lambda, p
            ),
            loglin_chunks: Kernel::new(
                device,
                "loglin_chunks",
                concat!(
                    include_str!("../../../shaders/loglin_chunks.wgsl"),
                    include_str!("../../../shaders/gamma_spans.wgsl")
                ),
                &[true, true, true, false, false], // k, v, gamma, blocks, totals
            ),
            loglin_merge: Kernel::new(
                device,
                "loglin_merge",
                include_str!("../../../shaders/loglin_merge.wgsl"),
                &[false, false], // blocks, totals
            ),
            loglin_output: Kernel::new(
                device,
                "loglin_output",
                concat!(
                    include_str!("../../../shaders/loglin_output.wgsl"),
                    include_str!("../../../shaders/gamma_spans.wgsl")
                ),
                // q, v, gamma, lambda, p, blocks, totals, out
                &[true, true, true, true, true, true, true, false],
            ),
            hla_delta_s: Kernel::new(
                device,
                "hla_delta_s",
                include_str!("../../../shaders/hla_delta_s.wgsl"),
                &[true, false], // k, states
            ),
            hla_pairs: Kernel::new(
                device,
                "hla_pairs",
                include_str!("../../../shaders/hla_pairs.wgsl"),
                &[true, true, false, false], // q, k, w, ls
            ),
            hla_read: Kernel::new(
                device,
                "hla_read",
                include_str!("../../../shaders/hla_read.wgsl"),
                &[true, true, false], // q, states, y
            ),
            hla_kernel: Kernel::new(
                device,
                "hla_kernel",
                include_str!("../../../shaders/hla_kernel.wgsl"),
                &[true, true, true, false], // q, y, w, kern
            ),
            hla_scan: Kernel::new(
                device,
                "hla_scan",
                include_str!("../../../shaders/hla_scan.wgsl"),
                // q, k, v, y, kern, ls, w, out
                &[true, true, true, true, true, true, true, false],
            ),
            dwc: Kernel::new(
                device,
                "dwc",
                include_str!("../../../shaders/dwc.wgsl"),
                &[true, true, false], // v, w, out
            ),
            flare_chunks: Kernel::new(
                device,
                "flare_chunks",
                include_str!("../../../shaders/flare_chunks.wgsl"),
                &[true, true, false], // x, v, chunks
            ),
            flare_scan: Kernel::new(
                device,
                "flare_scan",
                include_str!("../../../shaders/flare_scan.wgsl"),
                &[true, false], // chunks, prefix
            ),
            flare_output: Kernel::new(
                device,
                "flare_output",
                include_str!("../../../shaders/flare_output.wgsl"),
                &[true, true, true, false, false], // x, v, prefix, out, stats
            ),
            flare_weights: Kernel::new(
                device,
                "flare_weights",
                include_str!("../../../shaders/flare_weights.wgsl"),
                &[true, true, false], // x, stats, weights
            ),
            mhla_state: Kernel::new(
                device,
                "mhla_state",
                include_str!("../../../shaders/mhla_state.wgsl"),
                &[true, true, true, false], // layout, features, v, states
            ),
            mhla_blocks: Kernel::new(
                device,
                "mhla_blocks",
                include_str!("../../../shaders/mhla_blocks.wgsl"),
                &[true, true, false, false], // layout, mixing, states, totals
            ),
            mhla_output: Kernel::new(
                device,
                "mhla_output",
                include_str!("../../../shaders/mhla_output.wgsl"),
                // layout, mixing, features, v, states, mixed, out, normaliser
                &[true, true, true, true, true, true, false, false],
            ),
            mhla_weights: Kernel::new(
                device,
                "mhla_weights",
                include_str!("../../../shaders/mhla_weights.wgsl"),
                &[true, true, true, true, false], // layout, mixing, features, normaliser, weights
            ),
        };
        if let Some(err) = scope.pop().await {
            return Err(Error::Gpu {
                op: "pipeline creation",
                message: err.to_string(),
            });
        }
        Ok(pipelines)
    }
}
