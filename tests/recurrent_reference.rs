//! The worked examples of variants.md §5–§8 (decay-gated, delta-rule, log-linear, higher-order)
//! through the public engine on the CPU backend, to the spec's 4 decimals.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

mod common;

use attnscope::{Request, Response};
use common::{assert_close, flat, toy4_workload_json, toy_workload_json, Tolerance};
use serde_json::{json, Value};

fn run_on(variant: Value, workload: Value) -> Response {
    let request = Request::from_value(json!({
        "variant": variant, "causal": true, "workload": workload, "backend": "cpu"
    }))
    .unwrap();
    pollster::block_on(attnscope::evaluate(&request, Err("cpu test"))).unwrap()
}

fn check(variant: Value, attention: &[[f64; 3]; 3], output: &[[f64; 2]; 3]) {
    let response = run_on(variant.clone(), toy_workload_json());
    let a = response.attention.as_ref().unwrap();
    let o = response.output.as_ref().unwrap();
    assert_close(
        &format!("A of {variant}"),
        a.data(),
        &flat(attention),
        Tolerance::WORKED_EXAMPLE,
    );
    assert_close(
        &format!("O of {variant}"),
        o.data(),
        &flat(output),
        Tolerance::WORKED_EXAMPLE,
    );
}

/// The per-channel gates of §5.4, reused by HGRN (§5.5) and KDA (§6.3).
fn gla_gates() -> Value {
    json!([[-0.1, -0.3], [-0.5, -0.05], [-0.2, -0.4]])
}

#[test]
fn retnet_matches_section_5_1() {
    check(
        json!({"name": "retnet"}),
        &[
            [0.5303, 0.0, 0.0],
            [0.1370, -0.1556, 0.0],
            [-0.3783, 0.3083, 0.4667],
        ],
        &[[0.5303, 1.0607], [0.1370, 0.4296], [1.0218, -0.8314]],
    );
}

#[test]
fn lightning_matches_section_5_2() {
    check(
        json!({"name": "lightning", "slope": 0.5}),
        &[
            [0.7500, 0.0, 0.0],
            [0.1213, -0.2200, 0.0],
            [-0.2097, 0.2729, 0.6600],
        ],
        &[[0.7500, 1.5000], [0.1213, 0.4626], [1.7703, -0.3623]],
    );
}

#[test]
fn mamba2_matches_section_5_3() {
    check(
        json!({"name": "mamba2", "a": -1.0, "dt": [0.5, 1.0, 0.3]}),
        &[
            [0.3750, 0.0, 0.0],
            [0.0368, -0.2200, 0.0],
            [-0.0777, 0.3334, 0.1980],
        ],
        &[[0.3750, 0.7500], [0.0368, 0.2936], [0.5163, -0.3897]],
    );
}

#[test]
fn mamba2_skip_adds_d_times_identity() {
    let response = run_on(
        json!({"name": "mamba2", "a": -1.0, "dt": [0.5, 1.0, 0.3], "d_skip": 0.5}),
        toy_workload_json(),
    );
    let a = response.attention.unwrap();
    assert_close(
        "A diagonal with D = 0.5",
        &[a.get(0, 0), a.get(1, 1), a.get(2, 2)],
        &[0.875, 0.28, 0.698],
        Tolerance::WORKED_EXAMPLE,
    );
}

#[test]
fn gla_matches_section_5_4() {
    check(
        json!({"name": "gla", "log_gates": gla_gates()}),
        &[
            [0.5303, 0.0, 0.0],
            [0.0955, -0.1556, 0.0],
            [-0.2091, 0.1944, 0.4667],
        ],
        &[[0.5303, 1.0607], [0.0955, 0.3466], [1.1909, -0.3793]],
    );
}

#[test]
fn hgrn_matches_section_5_5() {
    check(
        json!({"name": "hgrn", "log_gates": gla_gates()}),
        &[
            [0.0952, 0.0, 0.0],
            [0.0577, 0.3935, 0.0],
            [0.0473, 0.3221, 0.1813],
        ],
        &[[0.0952, 0.5184], [0.0577, 0.4443], [0.5911, 0.4627]],
    );
}

#[test]
fn deltanet_matches_section_6_1() {
    check(
        json!({"name": "deltanet", "beta": [0.9, 0.5, 0.7]}),
        &[
            [0.5295, 0.0, 0.0],
            [0.4099, -0.2284, 0.0],
            [-0.0866, 0.1303, 0.4717],
        ],
        &[[0.5295, 1.0590], [0.4099, 1.0482], [1.3284, -0.0676]],
    );
}

#[test]
fn gated_deltanet_matches_section_6_2() {
    check(
        json!({"name": "gated_deltanet", "beta": [0.9, 0.5, 0.7], "log_gates": [-0.1, -0.5, -0.2]}),
        &[
            [0.5295, 0.0, 0.0],
            [0.2486, -0.2284, 0.0],
            [-0.0430, 0.1067, 0.4717],
        ],
        &[[0.5295, 1.0590], [0.2486, 0.7256], [1.3720, 0.0432]],
    );
}

#[test]
fn kda_matches_section_6_3() {
    check(
        json!({"name": "kda", "beta": [0.9, 0.5, 0.7], "log_gates": gla_gates()}),
        &[
            [0.5295, 0.0, 0.0],
            [0.2649, -0.2284, 0.0],
            [-0.0415, 0.0866, 0.4717],
        ],
        &[[0.5295, 1.0590], [0.2649, 0.7581], [1.3735, 0.0661]],
    );
}

#[test]
fn loglinear_matches_section_7() {
    let response = run_on(
        json!({"name": "loglinear", "log_gates": [-0.1, -0.2, -0.3, -0.4],
               "lambda": [[1, 0, 0], [1, 0.5, 0], [0.9, 0, 0.6], [0.8, 0.7, 0.4]]}),
        toy4_workload_json(),
    );
    let a = response.attention.unwrap();
    let o = response.output.unwrap();
    let expected_a = flat(&[
        [2.5000, 0.0, 0.0, 0.0],
        [0.9211, -1.7500, 0.0, 0.0],
        [-1.1827, 1.0001, 3.8250, 0.0],
        [0.0813, 0.1986, -0.1173, -0.6000],
    ]);
    let expected_o = flat(&[
        [2.5000, 5.0000],
        [0.9211, 3.5921],
        [10.2923, -1.4531],
        [0.3294, -0.6947],
    ]);
    assert_close("A", a.data(), &expected_a, Tolerance::WORKED_EXAMPLE);
    assert_close("O", o.data(), &expected_o, Tolerance::WORKED_EXAMPLE);
}

#[test]
fn fenwick_levels_match_the_table_of_section_7() {
    use attnscope::attention::gated::loglinear::{level, levels};
    let table: [[i32; 8]; 8] = [
        [0, -1, -1, -1, -1, -1, -1, -1],
        [1, 0, -1, -1, -1, -1, -1, -1],
        [2, 2, 0, -1, -1, -1, -1, -1],
        [2, 2, 1, 0, -1, -1, -1, -1],
        [3, 3, 3, 3, 0, -1, -1, -1],
        [3, 3, 3, 3, 1, 0, -1, -1],
        [3, 3, 3, 3, 2, 2, 0, -1],
        [3, 3, 3, 3, 2, 2, 1, 0],
    ];
    for (t, row) in table.iter().enumerate() {
        for (s, &expected) in row.iter().enumerate().take(t + 1) {
            assert_eq!(level(t, s) as i32, expected, "level({t}, {s})");
        }
    }
    assert_eq!(
        (levels(1), levels(2), levels(4), levels(5), levels(257)),
        (1, 2, 3, 4, 10)
    );
}

#[test]
fn hla_ahla_and_normalized_hla_match_section_8() {
    check(
        json!({"name": "hla"}),
        &[
            [0.5625, 0.0, 0.0],
            [0.1500, 0.0884, 0.0],
            [-0.4275, -0.2130, 0.9630],
        ],
        &[[0.5625, 1.1250], [0.1500, 0.2116], [2.4615, -0.1605]],
    );
    check(
        json!({"name": "hla", "normalize": true}),
        &[
            [1.0000, 0.0, 0.0],
            [0.6292, 0.3708, 0.0],
            [-1.3256, -0.6605, 2.9860],
        ],
        &[[1.0000, 2.0000], [0.6292, 0.8876], [7.6325, -0.4977]],
    );
    check(
        json!({"name": "ahla"}),
        &[
            [0.5625, 0.0, 0.0],
            [0.1060, 0.0484, 0.0],
            [-0.7137, 0.1980, 0.4356],
        ],
        &[[0.5625, 1.1250], [0.1060, 0.1636], [0.5931, -1.4076]],
    );
}
