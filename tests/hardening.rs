//! Regression tests of the hardening issue: every repro of the fuzz run (panics, hangs, memory
//! blow-ups, silent wrong numbers, contract gaps) as a request with the answer it must now get.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attnscope::attention::VariantSpec;
use attnscope::catalog::ParamRule;
use attnscope::{Error, Request, Response};
use serde_json::{json, Value};

/// Outputs of two forms of the same computation (f32 on both sides).
const CLOSE: common::Tolerance = common::Tolerance {
    abs: 1e-5,
    rel: 1e-4,
};

/// `O` of `actual` equals `O` of `expected` within [`CLOSE`].
fn assert_outputs_close(what: &str, actual: &Response, expected: &Response) {
    common::assert_matrix_close(
        what,
        actual.output.as_ref().unwrap(),
        expected.output.as_ref().unwrap(),
        CLOSE,
    );
}

/// `request(backend)` on the GPU equals it on the CPU (a no-op without an adapter, unless
/// REQUIRE_GPU=1 makes that a failure).
fn assert_gpu_equals_cpu(what: &str, request: impl Fn(&str) -> Value) {
    let Some(ctx) = common::gpu::gpu() else {
        return;
    };
    let gpu = common::gpu::evaluate(request("gpu"), ctx);
    assert_eq!(gpu.backend, attnscope::schema::Backend::Gpu, "{what}");
    assert_outputs_close(what, &gpu, &eval(request("cpu")).unwrap());
}

fn eval(request: Value) -> attnscope::Result<Response> {
    let request = Request::from_value(request)?;
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test")))
}

fn icl(request: Value) -> attnscope::Result<attnscope::icl::IclResponse> {
    attnscope::icl::IclRequest::from_value(request).and_then(|r| attnscope::icl::evaluate(&r))
}

/// Huge inputs overflow the variant's arithmetic: a request problem naming an input, never a
/// panic in the SVD (nalaformer at 1e14, rebased at 1e15).
#[test]
fn overflowing_inputs_are_a_bad_request_not_a_panic() {
    for (name, x) in [
        ("nalaformer", 1e14),
        ("rebased", 1e15),
        ("linear_elu", 1e30),
    ] {
        let result = eval(json!({"variant": {"name": name},
            "workload": {"kind": "given", "q": [[x]], "k": [[x]], "v": [[1, 1]]},
            "backend": "cpu", "outputs": ["stats"]}));
        match result {
            Err(e @ Error::Overflow { .. }) => {
                assert!(e.is_bad_input());
                assert!(e.field().starts_with("workload."), "{name}: {e}");
            }
            Ok(r) => {
                let stats = r.stats.unwrap();
                assert!(
                    stats.singular_values.iter().all(|s| s.is_finite()),
                    "{name}"
                );
            }
            Err(e) => panic!("{name}: {e:?}"),
        }
    }
}

/// A zero normaliser offset is outside the catalogued range (it made 0/0).
#[test]
fn eps_zero_is_refused_by_its_range() {
    for name in ["linear_elu", "linear_relu", "hla"] {
        let causal = name == "hla";
        let err = eval(
            json!({"variant": {"name": name, "eps": 0.0}, "causal": causal,
            "workload": {"kind": "gaussian", "n": 4, "d_k": 2}}),
        )
        .unwrap_err();
        assert_eq!(err.field(), "variant.eps");
        assert!(err.is_bad_input());
    }
}

/// `fnet` at n = 20 and 52 with statistics: the eigenvalues converge now.
#[test]
fn fnet_statistics_converge() {
    for n in [20, 52] {
        let r = eval(json!({"variant": {"name": "fnet"},
            "workload": {"kind": "gaussian", "n": n, "d_k": 4}, "outputs": ["stats"]}))
        .unwrap();
        let gap = r.stats.unwrap().spectral_gap.unwrap();
        assert!((0.0..=1.0).contains(&gap), "n = {n}: gap {gap}");
    }
}

/// Rows with no mass in a row-normalised variant are flagged, never silent zeros.
#[test]
fn rows_without_mass_are_flagged() {
    let cases = [
        json!({"variant": {"name": "linear_relu"}, "workload": {"kind": "gaussian", "n": 9, "d_k": 1}}),
        json!({"variant": {"name": "cosformer"}, "workload": {"kind": "recall", "n": 7, "d_k": 4, "seed": 1}}),
        json!({"variant": {"name": "lln"}, "workload": {"kind": "clustered", "n": 5, "d_k": 6, "spread": 6.8}}),
        json!({"variant": {"name": "lln", "diag": false}, "workload": {"kind": "clustered", "n": 5, "d_k": 6, "spread": 6.8}}),
        json!({"variant": {"name": "softmax"}, "workload": {"kind": "gaussian", "n": 9, "d_k": 3}}),
    ];
    for mut request in cases {
        request["outputs"] = json!(["attention", "stats"]);
        let r = eval(request.clone()).unwrap();
        let (a, stats) = (r.attention.unwrap(), r.stats.unwrap());
        // Independently: the rows whose sum is off 1.
        let off: Vec<usize> = (0..a.rows())
            .filter(|&i| (a.row(i).iter().map(|&x| f64::from(x)).sum::<f64>() - 1.0).abs() > 1e-3)
            .collect();
        assert_eq!(stats.unnormalized_rows, off, "{request}");
    }
    // The repro's linear_relu case really has rows without mass, and softmax never does.
    let relu = eval(
        json!({"variant": {"name": "linear_relu"}, "outputs": ["stats"],
        "workload": {"kind": "gaussian", "n": 9, "d_k": 1}}),
    )
    .unwrap();
    assert!(!relu.stats.unwrap().unnormalized_rows.is_empty());
}

/// LLN+Diag and YOSO (expectation) without A never build n × n, and give the quadratic form's
/// output.
#[test]
fn output_only_forms_equal_the_quadratic_forms() {
    for variant in [
        json!({"name": "lln"}),
        json!({"name": "yoso"}),
        json!({"name": "yoso", "mode": "sampled", "hashes": 7, "bits": 3, "seed": 2}),
    ] {
        for causal in [false, true] {
            let request = |outputs: Value| {
                json!({"variant": variant, "causal": causal, "outputs": outputs,
                       "workload": {"kind": "clustered", "n": 37, "d_k": 6, "d_v": 5, "seed": 3}})
            };
            let full = eval(request(json!(["output", "attention"]))).unwrap();
            let lean = eval(request(json!(["output"]))).unwrap();
            assert!(lean.attention.is_none());
            assert_outputs_close(&format!("{variant} causal={causal}"), &lean, &full);
        }
    }
}

/// AR(16) returns (the sampler no longer redraws forever) with a stationary φ.
#[test]
fn ar_order_sixteen_terminates_stationary() {
    let r = icl(json!({"d": 1, "n": 1, "ar": {"p": 16, "histories": [17], "series": 2}})).unwrap();
    assert!(r.ar.is_some());
    let mut rng = attnscope::rng::SeededRng::new(3, 0);
    let phi = attnscope::icl::ar::stationary_phi(16, &mut rng);
    let radius = attnscope::icl::ar::spectral_radius(&phi);
    assert!(radius < 1.0 && radius > 0.9, "radius {radius}");
}

/// Work the old limits did not count is refused, naming the field that sets it.
#[test]
fn uncounted_work_is_refused() {
    let field = |request: Value| icl(request).err().map(|e| e.field().to_owned());
    assert_eq!(
        field(json!({"d": 64, "n": 1024, "tasks": 1, "learners": [{"name": "gd", "steps": 64}]})),
        Some("learners[0].steps".into())
    );
    assert_eq!(
        field(json!({"d": 64, "n": 1024, "tasks": 1, "learners": [{"name": "lsa", "layers": 64}]})),
        Some("learners[0].layers".into())
    );
    assert_eq!(
        field(
            json!({"d": 20, "n": 40, "tasks": 1, "learners": [{"name": "softmax_tf",
            "train": {"steps": 1000, "batch": 1, "log_every": 1, "eval_tasks": 100000}}]})
        ),
        Some("learners[0].train.log_every".into())
    );
    // The same learners at a size that fits still run.
    assert_eq!(
        field(json!({"d": 4, "n": 8, "tasks": 10, "learners": [{"name": "gd", "steps": 3}]})),
        None
    );
}

/// A diverging method is reported as diverged, with finite numbers up to where it diverged.
#[test]
fn divergence_is_explicit() {
    let r =
        icl(json!({"d": 2, "n": 8, "trajectory": {"steps": 200, "gd_pp": {"gamma": 2}}})).unwrap();
    let t = r.trajectory.unwrap();
    let gd_pp = t.gd_pp.unwrap();
    let step = gd_pp.diverged_at.expect("GD++ with γ = 2 diverges");
    assert_eq!(gd_pp.w.len(), step);
    assert!(gd_pp.loss.iter().all(|l| l.is_finite()));

    let r = icl(json!({"d": 2, "n": 8, "trajectory": {"steps": 200, "eta": 1000}})).unwrap();
    let t = r.trajectory.unwrap();
    let step = t.gd_diverged_at.expect("η = 1000 diverges");
    assert_eq!(t.gd.len(), step);
    assert!(t.gd_loss.iter().all(|l| l.is_finite()));

    let r = icl(json!({"d": 4, "n": 8, "tasks": 50,
        "learners": [{"name": "gd", "steps": 64, "eta": 1000}, {"name": "ols"}]}))
    .unwrap();
    assert!(r.learners[0].diverged_tasks > 0);
    assert_eq!(r.learners[1].diverged_tasks, 0);
    assert!(r.learners[1].risk.is_finite());
}

/// Duplicate keys are refused, naming the key.
#[test]
fn duplicate_keys_are_refused() {
    let err = Request::from_json_str(
        r#"{"variant": {"name": "softmax"}, "workload": {"kind": "gaussian", "n": 4, "n": 8}}"#,
    )
    .unwrap_err();
    assert_eq!(err.field(), "workload.n");
}

/// The catalog publishes the rules the parser checks besides the ranges.
#[test]
fn catalog_publishes_the_rules() {
    let catalog = VariantSpec::catalog();
    let param = |variant: &str, name: &str| {
        catalog
            .iter()
            .find(|c| c.name == variant)
            .and_then(|c| c.params.iter().find(|p| p.name == name))
            .unwrap_or_else(|| panic!("{variant}.{name}"))
            .clone()
    };
    assert_eq!(
        param("neighborhood", "kernel").rules,
        [ParamRule::Odd, ParamRule::AtMostN]
    );
    assert_eq!(
        param("loglinear", "chunk_size").rules,
        [ParamRule::PowerOfTwo]
    );
    assert_eq!(param("nystrom", "landmarks").rules, [ParamRule::AtMostN]);
    assert_eq!(param("hedgehog", "bias").kind, "vector");
    // Each published rule is the parser's: a value breaking it is refused, naming the field.
    let refused = |variant: Value| {
        eval(json!({"variant": variant, "causal": true,
                    "workload": {"kind": "gaussian", "n": 8, "d_k": 4}}))
        .unwrap_err()
        .field()
        .to_owned()
    };
    assert_eq!(
        refused(json!({"name": "neighborhood", "kernel": 4})),
        "variant.kernel"
    );
    assert_eq!(
        refused(json!({"name": "neighborhood", "kernel": 9})),
        "variant.kernel"
    );
    assert_eq!(
        refused(json!({"name": "loglinear", "chunk_size": 12})),
        "variant.chunk_size"
    );
    assert!(catalog
        .iter()
        .find(|c| c.name == "nalaformer")
        .is_some_and(|c| !c.constraints.is_empty()));
}

/// A closed stdout is exit status 1 (or success when the output fit the pipe), never a panic.
#[test]
fn cli_survives_a_closed_stdout() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_attnscope"))
        .arg("catalog")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{:?}",
        output.status
    );
}

/// Log-gates of −10⁴ beside −0.1 in one chunk: the GPU's spans keep their digits (compensated
/// prefix sums; the repro gave 3.466248 for 3.464386).
#[test]
fn gpu_chunk_spans_survive_a_large_gate() {
    let Some(ctx) = common::gpu::gpu() else {
        return;
    };
    let ones = json!([[1.0], [1.0], [1.0], [1.0]]);
    let workload = json!({"kind": "given", "q": ones, "k": ones, "v": ones});
    let exact = 1.0 + (-0.1f64).exp() + (-0.2f64).exp() + (-0.3f64).exp(); // 3.464386
    let gates = json!([[-10000.0], [-0.1], [-0.1], [-0.1]]);
    for backend in ["gpu", "cpu"] {
        let r = common::gpu::evaluate(
            json!({"variant": {"name": "gla", "log_gates": gates, "scale": 1.0}, "causal": true,
                   "workload": workload, "outputs": ["output"], "backend": backend}),
            ctx,
        );
        let o = f64::from(r.output.unwrap().get(3, 0));
        assert!(
            (o - exact).abs() <= 1e-5 * exact,
            "{backend}: {o} vs {exact}"
        );
    }
}

/// More query rows than one grid dimension holds (65 535): the softmax grid folds into y.
#[test]
fn gpu_softmax_rows_fold_past_one_grid_dimension() {
    assert_gpu_equals_cpu("sliding window, n = 65 536", |backend| {
        json!({"variant": {"name": "sliding_window", "window": 3}, "causal": true,
               "workload": {"kind": "gaussian", "n": 65_536, "d_k": 2, "d_v": 1, "seed": 4},
               "outputs": ["output"], "backend": backend})
    });
}

/// A device lost mid-session (simulated by destroying it): `auto` carries on on the CPU path with
/// the same numbers and says why; `"gpu"` is a machine failure (exit 1), not a hang or a panic.
#[test]
fn a_lost_device_falls_back_to_the_cpu_path() {
    if common::gpu::gpu().is_none() {
        return; // no adapter (and REQUIRE_GPU unset)
    }
    // A context of its own: the shared one serves the other tests.
    let ctx = pollster::block_on(attnscope::gpu::GpuContext::new()).unwrap();
    let request = |backend: &str| {
        Request::from_value(
            json!({"variant": {"name": "linear_elu"}, "backend": backend,
            "workload": {"kind": "gaussian", "n": 16, "d_k": 4, "seed": 2}, "outputs": ["output"]}),
        )
        .unwrap()
    };
    let run = |backend: &str| pollster::block_on(attnscope::evaluate(&request(backend), Ok(&ctx)));
    assert!(run("gpu").is_ok());
    assert!(ctx.lost().is_none());
    ctx.simulate_device_loss();
    assert!(ctx.lost().is_some());
    let auto = run("auto").unwrap();
    assert_eq!(auto.backend, attnscope::schema::Backend::Cpu);
    assert!(auto.backend_note.unwrap().contains("device was lost"));
    assert_eq!(auto.output, run("cpu").unwrap().output);
    let forced = run("gpu").unwrap_err();
    assert!(
        matches!(forced, Error::Gpu { .. }) && !forced.is_bad_input(),
        "{forced:?}"
    );
}

/// Output-only GPU runs allocate no n × n read-back: linear_elu at n = 23 171 (an n × n f32 buffer
/// would be 2 GiB, past the device's limit) runs, and equals the CPU.
#[test]
fn gpu_output_only_runs_have_no_quadratic_buffer() {
    assert_gpu_equals_cpu("linear_elu, n = 23 171", |backend| {
        json!({"variant": {"name": "linear_elu"}, "backend": backend, "outputs": ["output"],
               "workload": {"kind": "gaussian", "n": 23_171, "d_k": 1, "seed": 5}})
    });
}
