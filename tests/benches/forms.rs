//! `cargo bench --bench forms`: criterion timings of the CPU reference, per family, the
//! linear-time forms against the quadratic one over n = 256 … 65 536 (d_k = d_v = 64; the rows
//! of `shared.rs`).
//!
//! Quadratic forms stop at n = 1 024 here (one run at 4 096 takes seconds, and criterion runs
//! each point at least 11 times); `report` times softmax and the quadratic forms up to 4 096
//! once. Set `ATTNSCOPE_BENCH_MAX_N` (e.g. 4096) for a shorter run; criterion's own filter
//! works too (`cargo bench --bench forms -- linear_elu`).
#![cfg_attr(target_arch = "wasm32", no_main)] // native only: an empty crate on wasm32
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a bench may panic on a broken invariant

mod shared;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use shared::{cases, qkv, run, spec, Form, SIZES};
use std::hint::black_box;
use std::time::Duration;

/// The largest n of a quadratic form in this bench.
const QUADRATIC_MAX_N: usize = 1_024;

fn max_n() -> usize {
    std::env::var("ATTNSCOPE_BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

fn form_name(form: Form) -> &'static str {
    match form {
        Form::Quadratic => "quadratic",
        Form::Recurrent => "recurrent",
        Form::Chunked => "chunked",
        Form::Output => "output",
        Form::WithAttention => "with_attention",
    }
}

/// One criterion group per family; a point per (row, n).
fn forms(c: &mut Criterion) {
    let cap = max_n();
    let families: [(&str, &[&str]); 5] = [
        ("linear_elu", &["linear_elu"]),
        ("performer_m256", &["performer"]),
        ("softmax_vs_sliding_window", &["softmax", "sliding_window"]),
        ("linformer", &["linformer"]),
        ("nystrom", &["nystrom"]),
    ];
    let all = cases();
    for (group_name, variants) in families {
        let mut group = c.benchmark_group(group_name);
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        for &n in SIZES.iter().filter(|&&n| n <= cap) {
            let inputs = qkv(n);
            group.throughput(Throughput::Elements(n as u64));
            for case in all.iter().filter(|case| {
                let name = case.variant["name"].as_str().unwrap_or_default();
                variants.contains(&name)
            }) {
                // One softmax row per group: the one with the family's mask.
                if case.variant["name"] == "softmax" && !case.causal {
                    continue;
                }
                let quadratic = matches!(case.form, Form::Quadratic | Form::WithAttention)
                    || case.variant["name"] == "softmax";
                let limit = if quadratic {
                    case.max_n.min(QUADRATIC_MAX_N)
                } else {
                    case.max_n
                };
                if n > limit {
                    continue;
                }
                let variant = spec(case);
                let id = if case.variant["name"] == "softmax" {
                    "softmax".to_owned()
                } else if group_name == "softmax_vs_sliding_window" {
                    "sliding_window".to_owned()
                } else {
                    form_name(case.form).to_owned()
                };
                group.bench_with_input(BenchmarkId::new(id, n), &inputs, |b, inputs| {
                    b.iter(|| run(&variant, case.form, black_box(inputs), case.causal))
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, forms);
criterion_main!(benches);
