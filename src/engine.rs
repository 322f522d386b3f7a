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

    // A lost device is no device: auto runs on the CPU path, "gpu" fails as a machine failure.
    let lost = gpu.ok().and_then(GpuContext::lost);
    if let (Some(reason), BackendChoice::Gpu) = (&lost, request.backend) {
        return Err(Error::Gpu {
            op: "device",
            message: format!("the GPU device was lost ({reason})"),
        });
    }
    let gpu = match &lost {
        Some(reason) => Err(reason.as_str()),
        None => gpu,
    };
    let (backend, backend_note, ctx) = match (request.backend, gpu) {
        (BackendChoice::Cpu, _) => (Backend::Cpu, None, None),
        (BackendChoice::Gpu, Ok(ctx)) => (Backend::Gpu, None, Some(ctx)),
        // `auto` takes the faster of the GPU and the CPU path on this adapter (its probe).
        (BackendChoice::Auto, Ok(ctx)) => {
            let probe = ctx.probe().await;
            if probe.gpu_is_faster() {
                (Backend::Gpu, None, Some(ctx))
            } else {
                let adapter = ctx.adapter();
                let name = match adapter.name.as_str() {
                    "" => adapter.backend.as_str(),
                    name => name,
                };
                (Backend::Cpu, Some(probe.cpu_note(name)), None)
            }
        }
        (BackendChoice::Gpu, Err(reason)) => {
            return Err(Error::NoAdapter {
                reason: reason.to_owned(),
            })
        }
        (BackendChoice::Auto, Err(reason)) => (
            Backend::Cpu,
            Some(match &lost {
                Some(_) => format!("the GPU device was lost ({reason}); ran the CPU path"),
                None => format!("no GPU adapter ({reason}); ran the CPU reference"),
            }),
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
        // `auto` runs what the GPU has no kernel for, or what exceeds this device's limits, on
        // the CPU, and says so.
        Some(Err(
            Error::NoGpuForm { message }
            | Error::GpuLimit { message, .. }
            | Error::Gpu { message, .. },
        )) if request.backend == BackendChoice::Auto => {
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
    check_finite(&qkv, "O", &result.output)?;
    if let Some(a) = &result.attention {
        check_finite(&qkv, "A", a)?;
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
    if let Some(state) = &kv_state {
        check_finite(qkv, "the KV state S", state)?;
    }
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
        row_normalized: expects_unit_rows(variant, qkv),
    })
}

/// Whether every row of the variant's `A` should sum to 1 on these inputs: its catalog says
/// row-normalised, and neither RoPE on kernel features (numerator only: signed rows) nor
/// FLatten's conv (`A_lin + T_c`) changes that.
fn expects_unit_rows(variant: &VariantSpec, qkv: &Qkv) -> bool {
    let catalogued = VariantSpec::catalog()
        .iter()
        .any(|card| card.name == variant.name() && card.row_normalized);
    let softmax_like = matches!(
        variant,
        VariantSpec::Softmax(_) | VariantSpec::SlidingWindow(_) | VariantSpec::Neighborhood(_)
    );
    let conv = matches!(variant, VariantSpec::Flatten(p) if p.dwc_kernel.is_some());
    catalogued && (softmax_like || !qkv.rope) && !conv
}

/// Fails when `m` (the output `what` of a run on finite inputs) holds a non-finite value: the
/// inputs' magnitudes overflowed the variant's arithmetic, which is the request's problem (exit 2),
/// named at the largest of Q, K, V.
fn check_finite(qkv: &Qkv, what: &str, m: &Matrix) -> Result<()> {
    let Some((i, j, x)) = m.first_non_finite() else {
        return Ok(());
    };
    let largest = |m: &Matrix| m.data().iter().fold(0.0f32, |acc, v| acc.max(v.abs()));
    let (q, k, v) = (largest(&qkv.q), largest(&qkv.k), largest(&qkv.v));
    let field = if q >= k && q >= v {
        "workload.q"
    } else if k >= v {
        "workload.k"
    } else {
        "workload.v"
    };
    Err(Error::Overflow {
        field: field.into(),
        message: format!(
            "{what}[{i}][{j}] = {x}: the inputs' magnitudes (max |q| = {q:e}, |k| = {k:e}, \
             |v| = {v:e}) overflow this variant's f32 arithmetic; scale them down"
        ),
    })
}

/// The clock: `web_time::Instant` is `performance.now()` on wasm and `std::time::Instant` natively
/// (the one place the lint against `std`'s clock, which panics on wasm, is lifted).
#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> Instant {
    Instant::now()
}

/// Milliseconds since `start`.
pub(crate) fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}
