//! What the benchmarks run, shared by `report` and `forms`: the seeded inputs (d_k = d_v = 64),
//! the variants and, for each, which form of the CPU reference is timed.
//!
//! A timed run includes everything the form needs from Q, K, V (a kernel variant's feature maps,
//! Performer's projection, Linformer's E, Nyström's landmarks); making Q, K, V does not count.
#![allow(dead_code)] // each bench uses a different subset
#![allow(clippy::expect_used)] // a bench may panic on a broken invariant

use attnscope::attention::{kernel, VariantSpec};
use attnscope::workload::{Qkv, WorkloadSpec};
use attnscope::Matrix;
use serde_json::{json, Value};

/// d_k = d_v.
pub const D: usize = 64;
/// Seed of Q, K, V.
pub const SEED: u64 = 1;
/// The sizes of the issues' grid (256 … 65 536, ×4).
pub const SIZES: [usize; 5] = [256, 1_024, 4_096, 16_384, 65_536];

/// Seeded Gaussian Q, K, V, n × 64.
pub fn qkv(n: usize) -> Qkv {
    WorkloadSpec::from_json(&json!({"kind": "gaussian", "n": n, "d_k": D, "d_v": D, "seed": SEED}))
        .expect("a valid workload")
        .generate()
}

/// Which form of the CPU reference a case times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Kernel family: `kernel::quadratic` (builds the n × n `A`, then `O = A V`).
    Quadratic,
    /// Kernel family: `kernel::recurrent` (state `S`, `z`, one token at a time).
    Recurrent,
    /// Kernel family: `kernel::chunked` with the variant's chunk size (64).
    Chunked,
    /// `VariantSpec::forward_cpu` without `A`: softmax and sliding window (their only CPU
    /// form), Linformer's and Nyström's factored forms.
    Output,
    /// `VariantSpec::forward_cpu` with `A` (the low-rank family's n × n product of factors).
    WithAttention,
}

/// One timed row: a variant, a form, the mask and the largest n it runs at.
#[derive(Debug, Clone)]
pub struct Case {
    /// Row label, e.g. `linear_elu chunked`.
    pub label: &'static str,
    /// The `variant` JSON.
    pub variant: Value,
    /// What is timed.
    pub form: Form,
    /// Causal mask.
    pub causal: bool,
    /// Skipped above this n (quadratic forms: seconds per run beyond it on 2 cores).
    pub max_n: usize,
    /// A linear-time form: its growth t(65 536)/t(4 096) is reported.
    pub linear: bool,
    /// The label of the softmax row with the same mask, for the crossover.
    pub reference: Option<&'static str>,
}

/// Label of the causal softmax row.
pub const SOFTMAX_CAUSAL: &str = "softmax (causal)";
/// Label of the non-causal softmax row.
pub const SOFTMAX_FULL: &str = "softmax (non-causal)";

/// Every row of the report, in print order. Kernel variants, sliding window, Flowformer, MHLA,
/// FLARE and YOSO are causal (the chunkwise form only differs from the recurrent one there);
/// Linformer, Nyström and FNet have no causal form and are compared with non-causal softmax.
#[rustfmt::skip] // one row per line
pub fn cases() -> Vec<Case> {
    let elu = json!({"name": "linear_elu"});
    let performer = json!({"name": "performer", "features": 256});
    let window = json!({"name": "sliding_window", "window": 256});
    let linformer = json!({"name": "linformer", "k": 16});
    let nystrom = json!({"name": "nystrom", "landmarks": 8});
    let flowformer = json!({"name": "flowformer"});
    let mhla = json!({"name": "mhla", "blocks": 4});
    let flare = json!({"name": "flare", "m": 16});
    let yoso = json!({"name": "yoso", "mode": "sampled", "bits": 8, "hashes": 32});
    let fnet = json!({"name": "fnet"});
    let case = |label, variant: &Value, form, causal, max_n, linear, reference| Case {
        label,
        variant: variant.clone(),
        form,
        causal,
        max_n,
        linear,
        reference,
    };
    let all = usize::MAX;
    let (c, sm) = (Some(SOFTMAX_CAUSAL), Some(SOFTMAX_FULL));
    // label, variant, form, causal, max_n, linear-time, the softmax row it is compared with
    vec![
        case(SOFTMAX_CAUSAL, &json!({"name": "softmax"}), Form::Output, true, 4_096, false, None),
        case(SOFTMAX_FULL, &json!({"name": "softmax"}), Form::Output, false, 4_096, false, None),
        case("linear_elu chunked", &elu, Form::Chunked, true, all, true, c),
        case("linear_elu recurrent", &elu, Form::Recurrent, true, all, true, c),
        case("linear_elu quadratic", &elu, Form::Quadratic, true, 4_096, false, c),
        case("performer m=256 chunked", &performer, Form::Chunked, true, all, true, c),
        case("performer m=256 recurrent", &performer, Form::Recurrent, true, all, true, c),
        case("performer m=256 quadratic", &performer, Form::Quadratic, true, 2_048, false, c),
        case("sliding_window W=256", &window, Form::Output, true, all, true, c),
        case("linformer k=16 factored", &linformer, Form::Output, false, all, true, sm),
        case("linformer k=16 with A", &linformer, Form::WithAttention, false, 4_096, false, sm),
        case("nystrom m=8 factored", &nystrom, Form::Output, false, all, true, sm),
        case("nystrom m=8 with A", &nystrom, Form::WithAttention, false, 4_096, false, sm),
        case("flowformer linear", &flowformer, Form::Output, true, all, true, c),
        case("mhla B=4 linear", &mhla, Form::Output, true, all, true, c),
        case("flare m=16 causal", &flare, Form::Output, true, all, true, c),
        case("yoso sampled tables", &yoso, Form::Output, true, all, true, c),
        case("fnet FFT", &fnet, Form::Output, false, all, true, sm),
    ]
}

/// The parsed variant of a case.
pub fn spec(case: &Case) -> VariantSpec {
    VariantSpec::from_json(&case.variant).expect("a valid variant")
}

/// Runs one case on `qkv` and returns `O`.
pub fn run(spec: &VariantSpec, form: Form, qkv: &Qkv, causal: bool) -> Matrix {
    let setup = || {
        spec.kernel_setup(qkv)
            .expect("a kernel setup")
            .expect("a kernel variant")
    };
    match form {
        Form::Quadratic => kernel::quadratic(&setup(), &qkv.v, causal).0,
        Form::Recurrent => kernel::recurrent(&setup(), &qkv.v, causal),
        Form::Chunked => {
            let s = setup();
            kernel::chunked(&s, &qkv.v, causal, s.chunk)
        }
        Form::Output | Form::WithAttention => {
            spec.forward_cpu(qkv, causal, form == Form::WithAttention)
                .expect("a CPU forward")
                .output
        }
    }
}
