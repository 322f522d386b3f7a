//! `evaluate`: one `Request` → one `Response`, on the backend asked for (the GPU when there is one
//! and `auto` is asked), timing each phase.

use crate::attention::gated::trace;
use crate::attention::{kernel, softmax, VariantSpec};
use crate::error::{Error, Result};
use crate::gpu::{self, GpuContext};
use crate::schema::{Backend, BackendChoice, CompareTo, Request, Response};
use crate::stats::{self, Mask, Stats, StatsInputs};
use crate::tensor::Matrix;
use crate::workload::Qkv;
use std::collections::BTreeMap;
use web_time::Instant;

/// The GPU as the caller has it: a context, or the reason there is none.
pub type GpuAvailability<'a> = std::result::Result<&'a GpuContext, &'a str>;

/// Evaluates `request`. `gpu` is the context to use for `gpu`/`auto`, or why there is none.
pub async fn evaluate(request: &Request, gpu: GpuAvailability<'_>) -> Result<Response> {
    let start = now();
    let mut timing_ms = BTreeMap::new();

    let qkv = request.workload.generate();
    timing_ms.insert("workload".to_owned(), ms_since(start));
    let variant = request.variant.resolved(qkv.d_k());
    let causal = request.causal;
    let want_attention = request.outputs.attention || request.outputs.stats;

    let (backend, backend_note, ctx) = match (request.backend, gpu) {
        (BackendChoice::Cpu, _) => (Backend::Cpu, None, None),
        (BackendChoice::Gpu | BackendChoice::Auto, Ok(ctx)) => (Backend::Gpu, None, Some(ctx)),
        (BackendChoice::Gpu, Err(reason)) => {
            return Err(Error::NoAdapter {
                reason: reason.to_owned(),
            })
        }
        (BackendChoice::Auto, Err(reason)) => (
            Backend::Cpu,
            Some(format!("no GPU adapter ({reason}); ran the CPU reference")),
            None,
        ),
    };

    let compute_start = now();
    let gpu_result = match ctx {
        Some(ctx) => Some(gpu::run(ctx, &variant, &qkv, causal, want_attention).await),
        None => None,
    };
    let (result, backend, backend_note) = match gpu_result {
        Some(Ok((result, timing))) => {
            if let Some(kernel_ms) = timing.kernel_ms {
                timing_ms.insert("gpu_kernel".to_owned(), kernel_ms);
            }
            (result, backend, backend_note)
        }
        // `auto` runs what the GPU has no kernel for on the CPU, and says so.
        Some(Err(Error::NoGpuForm { message })) if request.backend == BackendChoice::Auto => {
            let result = variant.forward_cpu(&qkv, causal, want_attention)?;
            (
                result,
                Backend::Cpu,
                Some(format!("{message}; ran the CPU reference")),
            )
        }
        Some(Err(err)) => return Err(err),
        None => (
            variant.forward_cpu(&qkv, causal, want_attention)?,
            backend,
            backend_note,
        ),
    };
    timing_ms.insert("compute".to_owned(), ms_since(compute_start));
    if let Some((i, j, x)) = result.output.first_non_finite() {
        return Err(Error::Numerical {
            field: "output".into(),
            message: format!("O[{i}][{j}] = {x}: the variant produced a non-finite value"),
        });
    }

    // The recurrent form on the CPU (O(n d d_v)): the traced states and the final state.
    let wants_state = request.state_trace.is_some() || request.outputs.stats;
    let recurrent = if variant.is_recurrent() && wants_state {
        let rotated = qkv.with_rope_applied();
        match variant.recurrent_setup(&rotated)? {
            Some(setup) => {
                let trace = request.state_trace.as_deref().unwrap_or_default();
                Some(setup.recurrent(&rotated, trace)?)
            }
            None => None,
        }
    } else {
        None
    };
    let final_state = recurrent
        .as_ref()
        .and_then(|run| (run.last.len() == 1).then(|| run.last[0].clone()));
    let state_trace = match (recurrent, &request.state_trace) {
        (Some(run), Some(_)) => Some(trace::snapshots(run)?),
        _ => None,
    };

    let stats_start = now();
    let stats = match (&result.attention, request.outputs.stats) {
        (Some(a), true) => Some(statistics(
            request,
            &variant,
            &qkv,
            a,
            &result.output,
            final_state,
        )?),
        _ => None,
    };
    if stats.is_some() {
        timing_ms.insert("stats".to_owned(), ms_since(stats_start));
    }
    timing_ms.insert("total".to_owned(), ms_since(start));

    Ok(Response {
        variant,
        backend,
        backend_note,
        n: qkv.n(),
        d_k: qkv.d_k(),
        d_v: qkv.d_v(),
        output: request.outputs.output.then_some(result.output),
        attention: if request.outputs.attention {
            result.attention
        } else {
            None
        },
        stats,
        state_trace,
        timing_ms,
    })
}

/// Everything in `stats`: of `A`, of `O`, of the KV state (kernel variants, from CPU features;
/// recurrent variants, their final state) and, with `compare_to`, against softmax on the same
/// inputs (CPU reference).
fn statistics(
    request: &Request,
    variant: &VariantSpec,
    qkv: &Qkv,
    attention: &Matrix,
    output: &Matrix,
    final_state: Option<Matrix>,
) -> Result<Stats> {
    let kv_state = match final_state {
        Some(state) => Some(state),
        None => variant
            .kernel_setup(qkv)?
            .map(|setup| kernel::kv_state(&setup, &qkv.v)),
    };
    let softmax = match request.compare_to {
        Some(CompareTo::Softmax) => {
            let scale = 1.0 / (qkv.d_k() as f64).sqrt();
            let sm_mask = Mask::from_causal(request.causal);
            let (o_sm, a_sm) = softmax::softmax_attention(&qkv.with_rope_applied(), scale, sm_mask);
            Some((a_sm, o_sm, sm_mask))
        }
        None => None,
    };
    stats::compute(&StatsInputs {
        attention,
        output,
        mask: variant.mask(request.causal),
        kv_state: kv_state.as_ref(),
        softmax: softmax.as_ref().map(|(a, o, m)| (a, o, *m)),
    })
}

/// The clock: `web_time::Instant` is `performance.now()` on wasm and `std::time::Instant` natively
/// (the one place the lint against `std`'s clock, which panics on wasm, is lifted).
#[allow(clippy::disallowed_methods)]
fn now() -> Instant {
    Instant::now()
}

fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}
