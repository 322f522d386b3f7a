//! `cargo bench --bench recurrent`: criterion timings of the recurrent families of variants.md
//! §5–§8 (zoo II), d_k = d_v = 64, seeded Gaussian inputs, causal.
//!
//! - `cpu/<variant>`: the CPU reference's closed form (n ≤ 1 024: it builds n × n), recurrent form
//!   and chunkwise form (C = 64) over n = 256 … 65 536.
//! - `cpu_chunk/<variant>`: the chunkwise form at n = 16 384 for C = 16 … 256.
//! - `gpu/<variant>`: `attnscope::evaluate` with `"backend": "gpu"`, `"outputs": ["output"]`
//!   (upload, passes, read-back) over n = 256 … 65 536; a point whose one evaluation takes longer
//!   than `SLOW` is not repeated and the variant's larger sizes are skipped.
//! - `gpu_chunk/<variant>`: the same at n = 16 384 for C = 16 … 256.
//!
//! `ATTNSCOPE_BENCH_MAX_N` caps n; criterion's filter selects groups (`-- cpu/gla`). Without an
//! adapter the GPU groups print `SKIPPED: no adapter`.
#![cfg_attr(target_arch = "wasm32", no_main)] // native only: an empty crate on wasm32
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a bench may panic on a broken invariant

mod shared;

use attnscope::attention::gated::family::Recurrent;
use attnscope::attention::VariantSpec;
use attnscope::gpu::GpuContext;
use attnscope::schema::Backend;
use attnscope::workload::{Qkv, WorkloadSpec};
use attnscope::Request;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode,
    Throughput,
};
use serde_json::{json, Value};
use shared::{qkv, D, SIZES};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The closed forms build n × n (and the delta rule's substitution is O(n³)).
const CLOSED_MAX_N: usize = 1_024;
/// The chunk-size sweep's length.
const SWEEP_N: usize = 16_384;
/// Chunk sizes of the sweep.
const CHUNKS: [usize; 5] = [16, 32, 64, 128, 256];
/// One GPU evaluation slower than this is not repeated; larger sizes are skipped.
const SLOW: Duration = Duration::from_secs(3);

/// One representative per family: scalar decay, per-channel decay, delta rule with per-channel
/// decay, log-linear, second order.
fn variants() -> Vec<(&'static str, Value)> {
    vec![
        ("retnet", json!({"name": "retnet"})),
        ("gla", json!({"name": "gla"})),
        ("gated_deltanet", json!({"name": "gated_deltanet"})),
        ("kda", json!({"name": "kda"})),
        ("loglinear", json!({"name": "loglinear"})),
        ("hla", json!({"name": "hla"})),
    ]
}

fn with_chunk(variant: &Value, chunk: usize) -> Value {
    let mut v = variant.clone();
    v["chunk_size"] = json!(chunk);
    v
}

fn max_n() -> usize {
    std::env::var("ATTNSCOPE_BENCH_MAX_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX)
}

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1));
}

/// The variant's handle on `qkv` (parameters applied: part of what is timed).
fn setup(variant: &Value, qkv: &Qkv) -> Recurrent {
    VariantSpec::from_json(variant)
        .expect("a valid variant")
        .recurrent_setup(qkv)
        .expect("a setup")
        .expect("a recurrent variant")
}

fn cpu(c: &mut Criterion) {
    let cap = max_n();
    for (name, variant) in variants() {
        let mut group = c.benchmark_group(format!("cpu/{name}"));
        configure(&mut group);
        for &n in SIZES.iter().filter(|&&n| n <= cap) {
            let inputs = qkv(n);
            group.throughput(Throughput::Elements(n as u64));
            if n <= CLOSED_MAX_N {
                group.bench_with_input(BenchmarkId::new("closed", n), &inputs, |b, x| {
                    b.iter(|| {
                        setup(&variant, x)
                            .closed_form(black_box(x))
                            .expect("closed")
                    })
                });
            }
            group.bench_with_input(BenchmarkId::new("recurrent", n), &inputs, |b, x| {
                b.iter(|| {
                    setup(&variant, x)
                        .recurrent(black_box(x), &[])
                        .expect("recurrent")
                })
            });
            group.bench_with_input(BenchmarkId::new("chunked", n), &inputs, |b, x| {
                b.iter(|| {
                    setup(&variant, x)
                        .chunked(black_box(x), 64)
                        .expect("chunked")
                })
            });
        }
        group.finish();
        if SWEEP_N <= cap {
            let mut group = c.benchmark_group(format!("cpu_chunk/{name}"));
            configure(&mut group);
            let inputs = qkv(SWEEP_N);
            for chunk in CHUNKS {
                group.bench_with_input(BenchmarkId::from_parameter(chunk), &inputs, |b, x| {
                    b.iter(|| {
                        setup(&variant, x)
                            .chunked(black_box(x), chunk)
                            .expect("chunked")
                    })
                });
            }
            group.finish();
        }
    }
}

#[allow(clippy::disallowed_methods)] // native-only bench: std's clock is fine here
fn now() -> Instant {
    Instant::now()
}

fn request(variant: Value, inputs: &Qkv) -> Request {
    let mut request = Request::from_value(json!({
        "variant": variant, "causal": true, "backend": "gpu", "outputs": ["output"],
        "workload": {"kind": "gaussian", "n": 1, "d_k": D},
    }))
    .expect("a valid request");
    request.workload = WorkloadSpec::Given(inputs.clone());
    request
}

/// One evaluation, printed with its own `compute` and `gpu_kernel` times; false when too slow to
/// repeat.
fn probe(ctx: &GpuContext, id: &str, request: &Request) -> bool {
    let start = now();
    let response =
        pollster::block_on(attnscope::evaluate(request, Ok(ctx))).expect("a GPU evaluation");
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
    seconds <= SLOW.as_secs_f64()
}

fn gpu(c: &mut Criterion) {
    let ctx = match pollster::block_on(GpuContext::new()) {
        Ok(ctx) => ctx,
        Err(err) => {
            println!("SKIPPED: no adapter ({err})");
            return;
        }
    };
    let cap = max_n();
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let wanted = |id: &str| filter.as_ref().is_none_or(|f| id.contains(f.as_str()));
    for (name, variant) in variants() {
        let mut group = c.benchmark_group(format!("gpu/{name}"));
        configure(&mut group);
        for &n in SIZES.iter().filter(|&&n| n <= cap) {
            let id = format!("gpu/{name}/{n}");
            if !wanted(&id) {
                continue;
            }
            let request = request(variant.clone(), &qkv(n));
            if !probe(&ctx, &id, &request) {
                println!("{id}: slower than {} s: larger n skipped", SLOW.as_secs());
                break;
            }
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &request, |b, r| {
                b.iter(|| pollster::block_on(attnscope::evaluate(r, Ok(&ctx))).expect("GPU"))
            });
        }
        group.finish();
        if SWEEP_N > cap {
            continue;
        }
        let mut group = c.benchmark_group(format!("gpu_chunk/{name}"));
        configure(&mut group);
        let inputs = qkv(SWEEP_N);
        for chunk in CHUNKS {
            let id = format!("gpu_chunk/{name}/{chunk}");
            if !wanted(&id) {
                continue;
            }
            let request = request(with_chunk(&variant, chunk), &inputs);
            if !probe(&ctx, &id, &request) {
                continue;
            }
            group.bench_with_input(BenchmarkId::from_parameter(chunk), &request, |b, r| {
                b.iter(|| pollster::block_on(attnscope::evaluate(r, Ok(&ctx))).expect("GPU"))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, cpu, gpu);
criterion_main!(benches);
