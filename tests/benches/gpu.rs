//! `cargo bench --bench gpu`: end-to-end `attnscope::evaluate` with `"backend": "gpu"` and
//! `"outputs": ["output"]` (upload, every pass, read-back) over n = 256 … 16 384 (d_k = d_v = 64)
//! for one variant of each family's linear-time GPU form: softmax (one-pass online), linear_elu,
//! performer, mhla, flowformer, flare and yoso (sampled) causal; fnet, linformer and nystrom
//! (which have no causal GPU form) non-causal. Q, K, V are made once per size and
//! passed as a `given` workload, so the CPU's random numbers are not timed. Without an adapter
//! it prints `SKIPPED: no adapter` and measures nothing.
//!
//! Before criterion runs a point, one evaluation prints the Response's own `compute` (wall)
//! and `gpu_kernel` (timestamp queries, where the adapter has them) times. A point whose one
//! evaluation takes longer than `SLOW` is not repeated by criterion, and the variant's larger
//! sizes are skipped (on lavapipe: softmax from n = 4 096, 8–14 s an evaluation on 2 cores).
//! `ATTNSCOPE_BENCH_MAX_N` caps n; a filter argument (`cargo bench --bench gpu -- linear_elu`)
//! selects points by substring of their id.
#![cfg_attr(target_arch = "wasm32", no_main)] // native only: an empty crate on wasm32
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a bench may panic on a broken invariant

mod shared;

use attnscope::gpu::GpuContext;
use attnscope::schema::Backend;
use attnscope::workload::WorkloadSpec;
use attnscope::Request;
use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use serde_json::json;
use shared::{qkv, D};
use std::time::{Duration, Instant};

const SIZES: [usize; 4] = [256, 1_024, 4_096, 16_384];
/// One evaluation slower than this is not repeated, and larger sizes of its variant are skipped.
const SLOW: Duration = Duration::from_secs(3);

#[allow(clippy::disallowed_methods)] // native-only bench: std's clock is fine here
fn now() -> Instant {
    Instant::now()
}

fn request(variant: serde_json::Value, causal: bool, n: usize) -> Request {
    let mut request = Request::from_value(json!({
        "variant": variant,
        "causal": causal,
        "workload": {"kind": "gaussian", "n": 1, "d_k": D},
        "backend": "gpu",
        "outputs": ["output"],
    }))
    .expect("a valid request");
    request.workload = WorkloadSpec::Given(qkv(n));
    request
}

fn gpu(c: &mut Criterion) {
    let ctx = match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => ctx,
        Err(err) => {
            println!("SKIPPED: no adapter ({err})");
            return;
        }
    };
    let adapter = ctx.adapter();
    println!(
        "adapter: {} ({}, {}, {}), timestamps: {}",
        adapter.name, adapter.device_type, adapter.backend, adapter.driver, adapter.timestamps
    );
    let variants = [
        ("softmax", json!({"name": "softmax"}), true),
        ("linear_elu", json!({"name": "linear_elu"}), true),
        ("performer", json!({"name": "performer"}), true),
        ("mhla", json!({"name": "mhla"}), true),
        ("flowformer", json!({"name": "flowformer"}), true),
        ("flare", json!({"name": "flare"}), true),
        ("yoso", json!({"name": "yoso", "mode": "sampled"}), true),
        ("fnet", json!({"name": "fnet"}), false),
        ("linformer", json!({"name": "linformer"}), false),
        ("nystrom", json!({"name": "nystrom"}), false),
    ];
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let max_n = std::env::var("ATTNSCOPE_BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    for (name, variant, causal) in variants {
        let mut group = c.benchmark_group(format!("gpu/{name}"));
        group
            .sample_size(10)
            .sampling_mode(SamplingMode::Flat)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(1));
        for n in SIZES.into_iter().filter(|&n| n <= max_n) {
            let id = format!("gpu/{name}/{n}");
            if filter.as_ref().is_some_and(|f| !id.contains(f.as_str())) {
                continue;
            }
            let request = request(variant.clone(), causal, n);
            let start = now();
            let response = pollster::block_on(attnscope::evaluate(&request, Ok(&ctx)))
                .expect("a GPU evaluation");
            let seconds = start.elapsed().as_secs_f64();
            assert_eq!(response.backend, Backend::Gpu);
            let ms = |key: &str| {
                response
                    .timing_ms
                    .get(key)
                    .map_or("n/a".to_owned(), |t| format!("{t:.2} ms"))
            };
            println!(
                "{id}: one evaluation {:.2} ms (compute {}, gpu_kernel {})",
                seconds * 1e3,
                ms("compute"),
                ms("gpu_kernel")
            );
            if seconds > SLOW.as_secs_f64() {
                println!(
                    "{id}: slower than {} s: not repeated; larger n skipped for {name}",
                    SLOW.as_secs()
                );
                break;
            }
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &request, |b, request| {
                b.iter(|| {
                    pollster::block_on(attnscope::evaluate(request, Ok(&ctx)))
                        .expect("a GPU evaluation")
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, gpu);
criterion_main!(benches);
