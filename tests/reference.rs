//! The worked examples of variants.md §1 (softmax) and §2.1–§2.5 (kernel feature maps), through
//! the public engine on the CPU backend.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant
#![allow(clippy::approx_constant)] // spec numbers such as 0.5235 are not π/6

mod common;

use attnscope::{Request, Response};
use common::{assert_close, flat, toy_workload_json, Tolerance};
use serde_json::json;

fn run(variant: serde_json::Value, causal: bool) -> Response {
    let request = Request::from_value(json!({
        "variant": variant, "causal": causal, "workload": toy_workload_json(), "backend": "cpu"
    }))
    .unwrap();
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap()
}

fn check(response: &Response, attention: &[[f64; 3]; 3], output: &[[f64; 2]; 3]) {
    let a = response.attention.as_ref().unwrap();
    let o = response.output.as_ref().unwrap();
    assert_close("A", a.data(), &flat(attention), Tolerance::WORKED_EXAMPLE);
    assert_close("O", o.data(), &flat(output), Tolerance::WORKED_EXAMPLE);
}

#[test]
fn softmax_non_causal_matches_section_1() {
    check(
        &run(json!({"name": "softmax"}), false),
        &[
            [0.4153, 0.3870, 0.1977],
            [0.4056, 0.3014, 0.2930],
            [0.1837, 0.3779, 0.4384],
        ],
        &[[1.0084, 0.5425], [1.2846, 0.6563], [1.4989, 0.2087]],
    );
}

#[test]
fn softmax_causal_matches_section_1() {
    check(
        &run(json!({"name": "softmax"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5737, 0.4263, 0.0],
            [0.1837, 0.3779, 0.4384],
        ],
        &[[1.0, 2.0], [0.5737, 0.7211], [1.4989, 0.2087]],
    );
}

#[test]
fn softmax_causal_temperature_half_matches_section_1() {
    check(
        &run(json!({"name": "softmax", "temperature": 0.5}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.6443, 0.3557, 0.0],
            [0.0915, 0.3873, 0.5212],
        ],
        &[[1.0, 2.0], [0.6443, 0.9328], [1.6551, 0.0564]],
    );
}

#[test]
fn softmax_default_scale_is_one_over_sqrt_dk_and_is_reported() {
    let response = run(json!({"name": "softmax"}), false);
    let variant = serde_json::to_value(&response.variant).unwrap();
    assert_eq!(variant["scale"].as_f64().unwrap(), 1.0 / 2f64.sqrt());
    assert_eq!(variant["temperature"].as_f64().unwrap(), 1.0);
    // An explicit scale of 1/sqrt(2) over temperature 1 is the same computation.
    let explicit = run(
        json!({"name": "softmax", "scale": 1.0 / 2f64.sqrt()}),
        false,
    );
    assert_eq!(explicit.attention, response.attention);
}

#[test]
fn linear_elu_non_causal_matches_section_2_1() {
    check(
        &run(json!({"name": "linear_elu"}), false),
        &[
            [0.3694, 0.3837, 0.2469],
            [0.3879, 0.3785, 0.2336],
            [0.2807, 0.4089, 0.3104],
        ],
        &[[1.1100, 0.4785], [1.0888, 0.5141], [1.2118, 0.3077]],
    );
}

#[test]
fn linear_elu_causal_matches_section_2_1() {
    check(
        &run(json!({"name": "linear_elu"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5061, 0.4939, 0.0],
            [0.2807, 0.4089, 0.3104],
        ],
        &[[1.0, 2.0], [0.5061, 0.5184], [1.2118, 0.3077]],
    );
}

#[test]
fn linear_elu_default_eps_is_reported() {
    let response = run(json!({"name": "linear_elu"}), true);
    let variant = serde_json::to_value(&response.variant).unwrap();
    assert_eq!(
        variant,
        json!({"name": "linear_elu", "eps": 1e-6, "chunk_size": 64})
    );
}

// ── Kernel feature maps (variants.md §2.2–§2.5) ──────────────────────────────────────────────

#[test]
fn linear_relu_matches_section_2_2() {
    check(
        &run(json!({"name": "linear_relu"}), false),
        &[
            [0.4848, 0.3939, 0.1212],
            [0.7273, 0.2727, 0.0],
            [0.0, 0.6364, 0.3636],
        ],
        &[[0.8485, 0.6364], [0.7273, 1.1818], [1.0909, -0.4545]],
    );
    check(
        &run(json!({"name": "linear_relu"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.7273, 0.2727, 0.0],
            [0.0, 0.6364, 0.3636],
        ],
        &[[1.0, 2.0], [0.7273, 1.1818], [1.0909, -0.4545]],
    );
}

/// The fixed "random" matrix of the §2.3 example, m = 4, δ = 0.
fn performer_example(hyperbolic: bool) -> serde_json::Value {
    json!({"name": "performer", "delta": 0.0, "hyperbolic": hyperbolic,
           "projection": [[0.5, -1.2], [1.1, 0.3], [-0.7, 0.8], [0.2, 1.5]]})
}

#[test]
fn performer_matches_section_2_3() {
    check(
        &run(performer_example(false), false),
        &[
            [0.3338, 0.4022, 0.2640],
            [0.3811, 0.3469, 0.2720],
            [0.2181, 0.4235, 0.3584],
        ],
        &[[1.1257, 0.3973], [1.1970, 0.5514], [1.2934, 0.1920]],
    );
    check(
        &run(performer_example(false), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5235, 0.4765, 0.0],
            [0.2181, 0.4235, 0.3584],
        ],
        &[[1.0, 2.0], [0.5235, 0.5705], [1.2934, 0.1920]],
    );
    check(
        &run(performer_example(true), false),
        &[
            [0.3321, 0.3790, 0.2889],
            [0.3788, 0.3088, 0.3124],
            [0.2055, 0.3971, 0.3974],
        ],
        &[[1.1988, 0.4297], [1.3160, 0.6050], [1.3976, 0.2127]],
    );
}

#[test]
fn performer_reports_its_feature_count_and_checks_the_projection() {
    let response = run(performer_example(false), false);
    let variant = serde_json::to_value(&response.variant).unwrap();
    assert_eq!(variant["features"], 4);
    let bad = Request::from_value(json!({
        "variant": {"name": "performer", "features": 3, "projection": [[1.0, 0.0]]},
        "workload": toy_workload_json()
    }));
    assert_eq!(bad.unwrap_err().field(), "variant.projection");
    let wrong_width = Request::from_value(json!({
        "variant": {"name": "performer", "projection": [[1.0, 0.0, 2.0]]},
        "workload": toy_workload_json(), "backend": "cpu"
    }))
    .unwrap();
    let err = pollster::block_on(attnscope::evaluate(&wrong_width, Err("cpu"))).unwrap_err();
    assert_eq!(err.field(), "variant.projection");
}

#[test]
fn cosformer_matches_section_2_4() {
    check(
        &run(json!({"name": "cosformer"}), false),
        &[
            [0.5469, 0.3848, 0.0684],
            [0.6978, 0.3022, 0.0],
            [0.0, 0.6025, 0.3975],
        ],
        &[[0.7519, 0.7431], [0.6978, 1.0935], [1.1926, -0.4037]],
    );
    check(
        &run(json!({"name": "cosformer"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.6978, 0.3022, 0.0],
            [0.0, 0.6025, 0.3975],
        ],
        &[[1.0, 2.0], [0.6978, 1.0935], [1.1926, -0.4037]],
    );
}

#[test]
fn based_matches_section_2_5a() {
    check(
        &run(json!({"name": "based"}), false),
        &[
            [0.4129, 0.3868, 0.2003],
            [0.4053, 0.3015, 0.2932],
            [0.1872, 0.3779, 0.4349],
        ],
        &[[1.0137, 0.5392], [1.2850, 0.6557], [1.4920, 0.2140]],
    );
    check(
        &run(json!({"name": "based"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5734, 0.4266, 0.0],
            [0.1872, 0.3779, 0.4349],
        ],
        &[[1.0, 2.0], [0.5734, 0.7203], [1.4920, 0.2140]],
    );
}

#[test]
fn taylorshift_matches_section_2_5b() {
    check(
        &run(json!({"name": "taylorshift"}), false),
        &[
            [0.4444, 0.4192, 0.1364],
            [0.6156, 0.2027, 0.1817],
            [0.1201, 0.3636, 0.5162],
        ],
        &[[0.8537, 0.5378], [1.1606, 1.1193], [1.6688, 0.1347]],
    );
    check(
        &run(json!({"name": "taylorshift"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.7523, 0.2477, 0.0],
            [0.1201, 0.3636, 0.5162],
        ],
        &[[1.0, 2.0], [0.7523, 1.2568], [1.6688, 0.1347]],
    );
}

#[test]
fn rebased_matches_section_2_5c() {
    check(
        &run(json!({"name": "rebased"}), false),
        &[
            [0.5233, 0.3930, 0.0837],
            [0.2564, 0.3103, 0.4333],
            [0.3374, 0.2103, 0.4523],
        ],
        &[[0.7744, 0.6953], [1.5564, 0.4192], [1.6944, 0.6907]],
    );
}

#[test]
fn second_order_maps_reject_a_d_k_with_too_many_features() {
    let request = Request::from_value(json!({
        "variant": {"name": "taylorshift"}, "backend": "cpu",
        "workload": {"kind": "gaussian", "n": 4, "d_k": 128}
    }))
    .unwrap();
    let err = pollster::block_on(attnscope::evaluate(&request, Err("cpu"))).unwrap_err();
    assert_eq!(err.field(), "workload.d_k");
}

// ── RoPE (variants.md §11) ───────────────────────────────────────────────────────────────────

fn run_rope(variant: serde_json::Value, causal: bool) -> Response {
    let mut workload = toy_workload_json();
    workload["rope"] = json!(true);
    let request = Request::from_value(json!({
        "variant": variant, "causal": causal, "workload": workload, "backend": "cpu"
    }))
    .unwrap();
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap()
}

#[test]
fn rope_rotates_queries_and_keys_as_section_11() {
    let t = common::toy();
    let rq = attnscope::attention::rope::rotate_matrix(&t.q);
    let rk = attnscope::attention::rope::rotate_matrix(&t.k);
    let rq_expected = [[1.0, 0.5], [0.4446, -0.0478], [-0.5687, -0.9201]];
    let rk_expected = [[0.8, -0.1], [-0.4269, 0.6307], [-0.1556, -0.6211]];
    assert_close(
        "RQ",
        rq.data(),
        &flat(&rq_expected),
        Tolerance::WORKED_EXAMPLE,
    );
    assert_close(
        "RK",
        rk.data(),
        &flat(&rk_expected),
        Tolerance::WORKED_EXAMPLE,
    );
}

#[test]
fn softmax_with_rope_matches_section_11() {
    check(
        &run_rope(json!({"name": "softmax"}), false),
        &[
            [0.5084, 0.2765, 0.2151],
            [0.4137, 0.2744, 0.3118],
            [0.2451, 0.2496, 0.5053],
        ],
        &[[1.1538, 0.8479], [1.3492, 0.7089], [1.7610, 0.4933]],
    );
    check(
        &run_rope(json!({"name": "softmax"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.6012, 0.3988, 0.0],
            [0.2451, 0.2496, 0.5053],
        ],
        &[[1.0, 2.0], [0.6012, 0.8036], [1.7610, 0.4933]],
    );
}

#[test]
fn linear_elu_with_rope_in_the_numerator_matches_section_11() {
    let response = run_rope(json!({"name": "linear_elu"}), false);
    check(
        &response,
        &[
            [0.3694, 0.1164, -0.2308],
            [0.1953, 0.3785, -0.0240],
            [-0.3925, 0.0868, 0.3104],
        ],
        &[[-0.3230, 0.5069], [0.1233, 0.0002], [0.5386, -0.7166]],
    );
    let stats = response.stats.unwrap();
    assert!(stats.entropy_on_abs, "RoPE makes linear attention signed");
    assert!((stats.row_sum_min - 0.0047).abs() < 1e-4 && (stats.row_sum_max - 0.5498).abs() < 1e-4);
    check(
        &run_rope(json!({"name": "linear_elu"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.2549, 0.4939, 0.0],
            [-0.3925, 0.0868, 0.3104],
        ],
        &[[1.0, 2.0], [0.2549, 0.0159], [0.5386, -0.7166]],
    );
}

// ── Local attention (variants.md §9) ─────────────────────────────────────────────────────────

#[test]
fn sliding_window_matches_section_9_1() {
    let response = run(json!({"name": "sliding_window", "window": 2}), true);
    check(
        &response,
        &[
            [1.0, 0.0, 0.0],
            [0.5737, 0.4263, 0.0],
            [0.0, 0.4629, 0.5371],
        ],
        &[[1.0, 2.0], [0.5737, 0.7211], [1.6112, -0.1944]],
    );
    // Normalised entropy uses each row's own support: min(i + 1, W) keys.
    let stats = response.stats.unwrap();
    let h2 = stats.entropy_rows[2];
    assert!((stats.entropy_normalized_rows[2] - h2 / 2f64.ln()).abs() < 1e-9);
}

#[test]
fn neighborhood_matches_section_9_2() {
    let request = Request::from_value(json!({
        "variant": {"name": "neighborhood", "kernel": 3}, "causal": false,
        "workload": common::toy4_workload_json(), "backend": "cpu"
    }))
    .unwrap();
    let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap();
    let a = response.attention.as_ref().unwrap();
    let o = response.output.as_ref().unwrap();
    let expected_a = [
        [0.4898, 0.4898, 0.0203, 0.0],
        [0.9229, 0.0545, 0.0225, 0.0],
        [0.0, 0.1953, 0.8033, 0.0014],
        [0.0, 0.5871, 0.2426, 0.1703],
    ];
    let expected_o = [
        [0.5508, 0.5000],
        [0.9905, 1.8025],
        [2.4086, 0.2077],
        [0.5574, -0.2955],
    ];
    assert_close("A", a.data(), &flat(&expected_a), Tolerance::WORKED_EXAMPLE);
    assert_close("O", o.data(), &flat(&expected_o), Tolerance::WORKED_EXAMPLE);
}

#[test]
fn neighborhood_rejects_an_even_or_too_long_kernel() {
    let err = Request::from_value(json!({
        "variant": {"name": "neighborhood", "kernel": 2}, "workload": toy_workload_json()
    }))
    .unwrap_err();
    assert_eq!(err.field(), "variant.kernel");
    let too_long = Request::from_value(json!({
        "variant": {"name": "neighborhood", "kernel": 5}, "workload": toy_workload_json(),
        "backend": "cpu"
    }))
    .unwrap();
    let err = pollster::block_on(attnscope::evaluate(&too_long, Err("cpu"))).unwrap_err();
    assert_eq!(err.field(), "variant.kernel");
}

// ── Low-rank and mixing (variants.md §3, §10) ────────────────────────────────────────────────

#[test]
fn linformer_matches_section_3_1() {
    let variant = json!({"name": "linformer", "projection": [[0.5, 0.3, 0.2], [0.1, 0.6, -0.4]]});
    let response = run(variant.clone(), false);
    check(
        &response,
        &[
            [0.2947, 0.4540, -0.1080],
            [0.2993, 0.4505, -0.1011],
            [0.3023, 0.4482, -0.0965],
        ],
        &[[-0.0292, 0.0814], [-0.0039, 0.0975], [0.0128, 0.1082]],
    );
    assert_eq!(serde_json::to_value(&response.variant).unwrap()["k"], 2);
    let causal = Request::from_value(json!({"variant": variant, "causal": true,
        "workload": toy_workload_json(), "backend": "cpu"}))
    .unwrap();
    let err = pollster::block_on(attnscope::evaluate(&causal, Err("cpu"))).unwrap_err();
    assert_eq!(err.field(), "causal");
}

fn run_toy4(variant: serde_json::Value) -> Response {
    let request = Request::from_value(json!({
        "variant": variant, "workload": common::toy4_workload_json(), "backend": "cpu"
    }))
    .unwrap();
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap()
}

#[test]
fn nystrom_matches_section_3_2() {
    let expected_a = [
        [0.9212, -0.0294, -0.3098, 0.4181],
        [-0.1654, 0.5116, 0.7335, -0.0797],
        [-0.2733, 0.5653, 0.8371, -0.1290],
        [0.3425, 0.2587, 0.2458, 0.1530],
    ];
    let expected_o = [
        [-0.4264, 2.1349],
        [2.1148, -0.5554],
        [2.3669, -0.8223],
        [0.9269, 0.7021],
    ];
    // cond(Ã) = 5.3: six iterations and the exact SVD pseudo-inverse agree to 4 decimals.
    for pinv in ["iterative", "svd"] {
        let response = run_toy4(json!({"name": "nystrom", "landmarks": 2, "pinv": pinv}));
        let a = response.attention.as_ref().unwrap();
        assert_close(
            pinv,
            a.data(),
            &flat(&expected_a),
            Tolerance::WORKED_EXAMPLE,
        );
        let o = response.output.as_ref().unwrap();
        assert_close(
            pinv,
            o.data(),
            &flat(&expected_o),
            Tolerance::WORKED_EXAMPLE,
        );
    }
}

#[test]
fn nystrom_iterations_converge_to_the_exact_pseudo_inverse() {
    use attnscope::attention::lowrank::nystrom::{landmarks, NystromParams, Pinv};
    let qkv = common::gaussian(64, 8, 8, 3);
    let l = landmarks(&qkv, 8).unwrap();
    let exact = NystromParams {
        landmarks: 8,
        iterations: 6,
        pinv: Pinv::Svd,
    };
    let z_exact = exact.pseudo_inverse(&l.a).unwrap();
    let err = |iterations| {
        let p = NystromParams {
            iterations,
            pinv: Pinv::Iterative,
            ..exact.clone()
        };
        let z = p.pseudo_inverse(&l.a).unwrap();
        z.data()
            .iter()
            .zip(z_exact.data())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max)
    };
    assert!(err(30) < 1e-3 * z_exact.data().iter().fold(0.0f32, |m, x| m.max(x.abs())));
    assert!(err(30) <= err(2), "more iterations should not be worse");
}

#[test]
fn flare_matches_section_3_3() {
    let latents = json!({"name": "flare", "latents": [[0.7, -0.2], [-0.3, 0.9]]});
    check(
        &run(latents.clone(), false),
        &[
            [0.4132, 0.3380, 0.2487],
            [0.3037, 0.3751, 0.3212],
            [0.2691, 0.3868, 0.3441],
        ],
        &[[1.1594, 0.6128], [1.2674, 0.3928], [1.3015, 0.3234]],
    );
    check(
        &run(latents, true),
        &[
            [1.0, 0.0, 0.0],
            [0.4220, 0.5780, 0.0],
            [0.2691, 0.3868, 0.3441],
        ],
        &[[1.0, 2.0], [0.4220, 0.2660], [1.3015, 0.3234]],
    );
}

#[test]
fn fnet_matches_section_10() {
    check(
        &run(json!({"name": "fnet"}), false),
        &[[1.0, 1.0, 1.0], [1.0, -0.5, -0.5], [1.0, -0.5, -0.5]],
        &[[5.5, 2.5], [1.75, -2.75], [1.75, -2.75]],
    );
    // The token-mixing part alone: C_N V.
    let t = common::toy();
    let (c_n, _) = attnscope::attention::fnet::dft_tables(3);
    let sequence_only = c_n.matmul(&t.v).unwrap();
    let expected = [[4.0, 1.5], [-0.5, 2.25], [-0.5, 2.25]];
    assert_close(
        "C_N V",
        sequence_only.data(),
        &flat(&expected),
        Tolerance::WORKED_EXAMPLE,
    );
}

// ── Sampling (variants.md §4.1) ──────────────────────────────────────────────────────────────

#[test]
fn yoso_expectation_matches_section_4_1() {
    let response = run(json!({"name": "yoso", "bits": 8}), false);
    let b = response.attention.as_ref().unwrap();
    let expected_b = [
        [0.1906, 0.1321, 0.0003],
        [0.0497, 0.0, 0.0],
        [0.0, 0.0479, 0.4380],
    ];
    assert_close("B", b.data(), &flat(&expected_b), Tolerance::WORKED_EXAMPLE);
    let expected_o = [[0.6093, 0.7929], [0.4473, 0.8944], [0.9916, 0.1292]];
    let o = response.output.as_ref().unwrap();
    assert_close("O", o.data(), &flat(&expected_o), Tolerance::WORKED_EXAMPLE);
    // Causal: rownorm(B ⊙ M) is the spec's display matrix, and L2-normalising is scale-free, so
    // the output rows are those of rownorm(B ⊙ M) V normalised.
    let causal = run(json!({"name": "yoso"}), true);
    let b = causal.attention.as_ref().unwrap();
    let rownorm: Vec<f32> = (0..3)
        .flat_map(|i| {
            let sum: f32 = b.row(i).iter().sum();
            b.row(i).iter().map(move |x| x / sum).collect::<Vec<_>>()
        })
        .collect();
    let display = [
        [1.0, 0.0, 0.0],
        [0.9993, 0.0007, 0.0],
        [0.0001, 0.0986, 0.9014],
    ];
    assert_close(
        "rownorm(B ⊙ M)",
        &rownorm,
        &flat(&display),
        Tolerance::WORKED_EXAMPLE,
    );
    let unnormalised = [[1.0f64, 2.0], [0.9993, 1.9979], [2.7042, 0.3523]];
    let expected: Vec<f64> = unnormalised
        .iter()
        .flat_map(|r| {
            let norm = (r[0] * r[0] + r[1] * r[1]).sqrt();
            [r[0] / norm, r[1] / norm]
        })
        .collect();
    assert_close(
        "causal O",
        causal.output.as_ref().unwrap().data(),
        &expected,
        Tolerance::WORKED_EXAMPLE,
    );
}

#[test]
fn flatten_matches_section_2_6() {
    check(
        &run(json!({"name": "flatten"}), false),
        &[
            [0.7963, 0.1539, 0.0498],
            [0.9305, 0.0695, 0.0],
            [0.0, 0.6549, 0.3451],
        ],
        &[[0.9456, 1.4635], [0.9305, 1.7915], [1.0352, -0.4824]],
    );
    check(
        &run(json!({"name": "flatten"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.9305, 0.0695, 0.0],
            [0.0, 0.6549, 0.3451],
        ],
        &[[1.0, 2.0], [0.9305, 1.7915], [1.0352, -0.4824]],
    );
}

#[test]
fn hedgehog_matches_section_2_7() {
    check(
        &run(json!({"name": "hedgehog"}), false),
        &[
            [0.3977, 0.3591, 0.2432],
            [0.3877, 0.3154, 0.2969],
            [0.2451, 0.3766, 0.3783],
        ],
        &[[1.1272, 0.5580], [1.2784, 0.6084], [1.3801, 0.3027]],
    );
    check(
        &run(json!({"name": "hedgehog"}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.5514, 0.4486, 0.0],
            [0.2451, 0.3766, 0.3783],
        ],
        &[[1.0, 2.0], [0.5514, 0.6541], [1.3801, 0.3027]],
    );
    // An explicit identity weight and zero bias are the default.
    let explicit =
        json!({"name": "hedgehog", "weight": [[1.0, 0.0], [0.0, 1.0]], "bias": [0.0, 0.0]});
    assert_eq!(
        run(explicit, false).attention,
        run(json!({"name": "hedgehog"}), false).attention
    );
    check(
        &run(json!({"name": "hedgehog", "form": "softmax"}), false),
        &[
            [0.3738, 0.3224, 0.3038],
            [0.3816, 0.3203, 0.2981],
            [0.2342, 0.3601, 0.4057],
        ],
        &[[1.2852, 0.5771], [1.2758, 0.5920], [1.4513, 0.3112]],
    );
    let bad = Request::from_value(json!({
        "variant": {"name": "hedgehog", "weight": [[1.0, 0.0]], "bias": [0.0, 0.0]},
        "workload": toy_workload_json()
    }));
    assert_eq!(bad.unwrap_err().field(), "variant.bias");
}

#[test]
fn lln_matches_section_2_8() {
    let (sq, sk) = {
        let t = common::toy();
        (
            attnscope::attention::kernel::lln::std_all(&t.q),
            attnscope::attention::kernel::lln::std_all(&t.k),
        )
    };
    assert!((sq - 0.662319).abs() < 1e-6 && (sk - 0.492612).abs() < 1e-6);
    let (alpha, beta) =
        attnscope::attention::kernel::lln::scales(&common::toy().q, &common::toy().k);
    assert!((alpha - 1.881395).abs() < 1e-5 && (beta - 2.529544).abs() < 1e-5);
    check(
        &run(json!({"name": "lln", "diag": false}), false),
        &[
            [0.5763, 0.3244, 0.0993],
            [0.6002, 0.3099, 0.0900],
            [0.1227, 0.6004, 0.2769],
        ],
        &[[0.8742, 0.8779], [0.8701, 0.9355], [0.9533, -0.2166]],
    );
    check(
        &run(json!({"name": "lln", "diag": false}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.6595, 0.3405, 0.0],
            [0.1227, 0.6004, 0.2769],
        ],
        &[[1.0, 2.0], [0.6595, 0.9785], [0.9533, -0.2166]],
    );
    // LLN+Diag with D = d_k = 2: blocks {0, 1} and {2}.
    check(
        &run(json!({"name": "lln"}), false),
        &[
            [0.5470, 0.4034, 0.0497],
            [0.5869, 0.3681, 0.0450],
            [0.0614, 0.3002, 0.6384],
        ],
        &[[0.6960, 0.7154], [0.7219, 0.8283], [1.9766, 0.1417]],
    );
    check(
        &run(json!({"name": "lln", "block": 2}), true),
        &[
            [1.0, 0.0, 0.0],
            [0.6166, 0.3834, 0.0],
            [0.0614, 0.3002, 0.6384],
        ],
        &[[1.0, 2.0], [0.6166, 0.8498], [1.9766, 0.1417]],
    );
}

#[test]
fn flowformer_matches_section_2_9() {
    check(
        &run(json!({"name": "flowformer"}), false),
        &[
            [0.2805, 0.2930, 0.1998],
            [0.2591, 0.2654, 0.1789],
            [0.2410, 0.2809, 0.2035],
        ],
        &[[0.8799, 0.3678], [0.7957, 0.3421], [0.8515, 0.3028]],
    );
    check(
        &run(json!({"name": "flowformer"}), true),
        &[
            [0.7311, 0.0, 0.0],
            [0.3373, 0.3456, 0.0],
            [0.2273, 0.2650, 0.1953],
        ],
        &[[0.7311, 1.4621], [0.3373, 0.3291], [0.8132, 0.2873]],
    );
}

// ── Vision linear attentions, 1-D adaptations (variants.md §2.10–§2.11) ─────────────────────

#[test]
fn rala_matches_section_2_10() {
    let alpha =
        attnscope::attention::kernel::vision::key_importance(&common::toy().q, &common::toy().k);
    assert_close(
        "α",
        &alpha.iter().map(|&a| a as f32).collect::<Vec<_>>(),
        &[0.3403, 0.4691, 0.1906],
        Tolerance::WORKED_EXAMPLE,
    );
    check(
        &run(json!({"name": "rala", "rope": true}), false),
        &[
            [0.3563, 0.1548, -0.1247],
            [0.1877, 0.5015, -0.0129],
            [-0.3854, 0.1175, 0.1707],
        ],
        &[[-0.0178, 0.4954], [0.1489, -0.1325], [0.1268, -0.8030]],
    );
    // The workload's RoPE flag turns it on too.
    assert_eq!(
        run_rope(json!({"name": "rala"}), false).attention,
        run(json!({"name": "rala", "rope": true}), false).attention
    );
}

#[test]
fn nalaformer_matches_section_2_11() {
    use attnscope::attention::kernel::vision::query_power;
    let t = common::toy();
    let powers: Vec<f32> = (0..3)
        .map(|i| {
            let r: f64 =
                t.q.row(i)
                    .iter()
                    .map(|&x| f64::from(x).powi(2))
                    .sum::<f64>()
                    .sqrt();
            query_power(r) as f32
        })
        .collect();
    assert_close(
        "p",
        &powers,
        &[3.9207, 2.7588, 3.8814],
        Tolerance::WORKED_EXAMPLE,
    );
    check(
        &run(json!({"name": "nalaformer"}), false),
        &[
            [0.9048, 0.0877, 0.0075],
            [0.9505, 0.0495, 0.0],
            [0.0, 0.7923, 0.2077],
        ],
        &[[0.9272, 1.7256], [0.9505, 1.8516], [0.6230, -0.6885]],
    );
    check(
        &run(json!({"name": "nalaformer", "rope": true}), false),
        &[
            [0.9048, -0.4600, -0.1059],
            [0.5136, 0.0495, 1.2058],
            [-1.0750, 0.3756, 0.2077],
        ],
        &[[0.5869, 2.2166], [4.1308, 1.5805], [-0.4519, -2.4217]],
    );
}

#[test]
fn mhla_matches_section_2_13() {
    let request = Request::from_value(json!({
        "variant": {"name": "mhla", "mixing": [[0.7, 0.3], [0.4, 0.6]]},
        "workload": common::toy4_workload_json(), "backend": "cpu"
    }))
    .unwrap();
    let response = pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap();
    let expected_a = [
        [0.3914, 0.4268, 0.0899, 0.0919],
        [0.4950, 0.3429, 0.0369, 0.1252],
        [0.1166, 0.3841, 0.4449, 0.0545],
        [0.2409, 0.3102, 0.2586, 0.1902],
    ];
    let expected_o = [
        [0.5693, 0.4929],
        [0.4804, 0.7907],
        [1.3967, 0.1259],
        [0.8265, 0.4912],
    ];
    assert_close(
        "A",
        response.attention.as_ref().unwrap().data(),
        &flat(&expected_a),
        Tolerance::WORKED_EXAMPLE,
    );
    assert_close(
        "O",
        response.output.as_ref().unwrap().data(),
        &flat(&expected_o),
        Tolerance::WORKED_EXAMPLE,
    );
    assert_eq!(
        serde_json::to_value(&response.variant).unwrap()["blocks"],
        2
    );
    let bad = Request::from_value(json!({
        "variant": {"name": "mhla", "mixing": [[0.7, -0.3], [0.4, 0.6]]},
        "workload": common::toy4_workload_json()
    }));
    assert_eq!(bad.unwrap_err().field(), "variant.mixing");
}
