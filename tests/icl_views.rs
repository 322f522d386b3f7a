//! The ICL request's view objects: V5's trajectory (`"trajectory"`) and V10's RNN panel (`"rnn"`),
//! checked against independent computations written out here (2×2 normal equations, explicit GD
//! loops, explicit sums over tokens) and hand-worked formulas, plus their typed errors.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant
#![allow(clippy::needless_range_loop)] // index loops read like the sums they check

mod common;

use attnscope::icl::rnn_panel::RnnPanel;
use attnscope::icl::trajectory::Trajectory;
use attnscope::icl::{evaluate, IclRequest};
use serde_json::{json, Value};

/// Exact identities in f64 (F0, F7a): a few dozen flops per entry, so 1e-12 has room to spare.
const EXACT: f64 = 1e-12;
/// Streamed RNN vs explicit sums: up to 64 accumulated terms of size ~10.
const STREAMED: f64 = 1e-10;

/// The page's V5 default: d = 2, N = 10, σ = 0.5 (Akyürek's Bayes λ = 0.25), seed 1.
fn v5_request(trajectory: Value) -> Value {
    json!({"d": 2, "n": 10, "noise": 0.5, "seed": 1, "trajectory": trajectory})
}

fn trajectory_of(request: Value) -> Trajectory {
    evaluate(&IclRequest::from_value(request).unwrap())
        .unwrap()
        .trajectory
        .unwrap()
}

fn rnn_of(request: Value) -> RnnPanel {
    evaluate(&IclRequest::from_value(request).unwrap())
        .unwrap()
        .rnn
        .unwrap()
}

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "{what}: {got} vs {want} (tolerance {tol})"
    );
}

fn close2(what: &str, got: &[f64], want: [f64; 2], tol: f64) {
    for j in 0..2 {
        close(&format!("{what}[{j}]"), got[j], want[j], tol);
    }
}

/// `(XᵀX + λI)⁻¹ Xᵀy` by the 2×2 inverse, from the response's own x and y.
fn ridge_2x2(t: &Trajectory, k: usize, lambda: f64) -> [f64; 2] {
    let (mut a, mut b, mut c, mut r0, mut r1) = (lambda, 0.0, lambda, 0.0, 0.0);
    for i in 0..k {
        let (x0, x1, y) = (t.x[i][0], t.x[i][1], t.y[i]);
        a += x0 * x0;
        b += x0 * x1;
        c += x1 * x1;
        r0 += x0 * y;
        r1 += x1 * y;
    }
    let det = a * c - b * b;
    [(c * r0 - b * r1) / det, (a * r1 - b * r0) / det]
}

/// Plain GD on L(w) = (1/2N) Σ (w·x_i − y_i)², written out coordinate by coordinate.
fn gd_by_hand(t: &Trajectory, eta: f64, steps: usize) -> Vec<[f64; 2]> {
    let n = t.y.len() as f64;
    let mut w = [0.0, 0.0];
    let mut out = vec![w];
    for _ in 0..steps {
        let mut grad = [0.0, 0.0];
        for (x, y) in t.x.iter().zip(&t.y) {
            let r = w[0] * x[0] + w[1] * x[1] - y;
            grad[0] += r * x[0] / n;
            grad[1] += r * x[1] / n;
        }
        w = [w[0] - eta * grad[0], w[1] - eta * grad[1]];
        out.push(w);
    }
    out
}

#[test]
fn constructed_lsa_layers_are_the_gd_iterates_on_the_v5_task() {
    let t = trajectory_of(v5_request(json!({"steps": 25})));
    // F1: η* = N / (N + d + 1 + σ²/τ²) = 10 / 13.25 for Gaussian x.
    close("η*", t.eta, 10.0 / 13.25, 1e-12);
    assert!(
        t.eta_stable,
        "η* λ_max = {}",
        t.eta * t.loss.hessian_eigs[0]
    );
    let by_hand = gd_by_hand(&t, t.eta, 25);
    assert_eq!(t.gd.len(), 26);
    assert_eq!(t.lsa.len(), 26);
    for k in 0..=25 {
        close2(&format!("gd[{k}]"), &t.gd[k], by_hand[k], EXACT);
        close2(&format!("lsa[{k}]"), &t.lsa[k], by_hand[k], EXACT);
    }
    assert!(
        t.lsa_max_abs_diff_vs_gd <= EXACT,
        "{}",
        t.lsa_max_abs_diff_vs_gd
    );
    // A stable η: after 25 steps GD sits at OLS (contraction ≤ |1 − η λ|^25 ≈ 1e-6 here).
    close2("gd[25] → OLS", &t.gd[25], [t.ols[0], t.ols[1]], 1e-4);
}

#[test]
fn ridge_path_runs_from_zero_to_ols_and_bayes_ridge_sits_on_it() {
    let t = trajectory_of(v5_request(json!({"ridge_points": 41})));
    let ols = ridge_2x2(&t, 10, 0.0);
    close2("OLS (normal equations)", &t.ols, ols, 1e-10);
    let first = &t.ridge_path[0];
    let last = t.ridge_path.last().unwrap();
    assert_eq!(t.ridge_path.len(), 41);
    close("λ_max", first.lambda, 1e4, 1e-12);
    close("λ_min", last.lambda, 1e-8, 1e-12);
    // Large λ: ‖ŵ(λ)‖ ≤ ‖Xᵀy‖ / λ (‖(XᵀX + λI)⁻¹‖ ≤ 1/λ), so ŵ → 0; λ → 0: ŵ → OLS (N ≥ d).
    let xty: f64 = (0..2)
        .map(|j| (0..10).map(|i| t.x[i][j] * t.y[i]).sum::<f64>().powi(2))
        .sum::<f64>()
        .sqrt();
    let norm = first.w[0].hypot(first.w[1]);
    assert!(
        norm <= xty / first.lambda && norm < 1e-2,
        "ŵ(1e4) = {:?}",
        first.w
    );
    close2("ŵ(1e-8) = OLS", &last.w, ols, 1e-7);
    for p in &t.ridge_path {
        close2(
            &format!("ŵ({})", p.lambda),
            &p.w,
            ridge_2x2(&t, 10, p.lambda),
            1e-10,
        );
    }
    assert!(t.ridge_path.windows(2).all(|w| w[0].lambda > w[1].lambda));
    // Bayes ridge: λ = σ²/τ² = 0.25.
    close2(
        "Bayes ridge",
        &t.ridge_bayes,
        ridge_2x2(&t, 10, 0.25),
        1e-10,
    );
}

#[test]
fn loss_quadratic_equals_the_loss_at_random_points() {
    let t = trajectory_of(v5_request(json!({})));
    let q = &t.loss;
    let n = t.y.len() as f64;
    let direct = |w: [f64; 2]| {
        t.x.iter()
            .zip(&t.y)
            .map(|(x, y)| (w[0] * x[0] + w[1] * x[1] - y).powi(2))
            .sum::<f64>()
            / (2.0 * n)
    };
    let mut rng = attnscope::rng::SeededRng::new(7, 0);
    for _ in 0..50 {
        let w = [3.0 * rng.normal(), 3.0 * rng.normal()];
        let (a, b) = (w[0] - q.centre[0], w[1] - q.centre[1]);
        let h = &q.hessian;
        let quad =
            q.minimum + 0.5 * (a * (h[0][0] * a + h[0][1] * b) + b * (h[1][0] * a + h[1][1] * b));
        close(&format!("L({w:?})"), quad, direct(w), 1e-12);
    }
    close("L(0)", q.at_zero, direct([0.0, 0.0]), 1e-12);
    close("L(OLS)", q.minimum, direct([t.ols[0], t.ols[1]]), 1e-12);
    assert_eq!(q.levels.len(), 6);
    close("top level = L(0)", q.levels[0], q.at_zero, 1e-12);
    for (k, w) in t.gd.iter().enumerate() {
        close(
            &format!("gd_loss[{k}]"),
            t.gd_loss[k],
            direct([w[0], w[1]]),
            1e-12,
        );
    }
}

#[test]
fn gd_pp_with_gamma_zero_is_gd_and_its_first_layer_is_one_gd_step() {
    let t = trajectory_of(v5_request(json!({"steps": 6, "gd_pp": {"gamma": 0.0}})));
    let pp = t.gd_pp.as_ref().unwrap();
    for k in 0..=6 {
        close2(
            &format!("gd++ γ=0 [{k}]"),
            &pp.w[k],
            [t.gd[k][0], t.gd[k][1]],
            EXACT,
        );
    }
    let t = trajectory_of(v5_request(
        json!({"steps": 3, "gd_pp": {"etas": [0.5, 1.0, 1.5], "gammas": [0.3, 0.3, 0.3]}}),
    ));
    let pp = t.gd_pp.as_ref().unwrap();
    // F6: one GD++ layer is one GD step (the x-update only acts on later layers) ...
    close2("gd++ layer 1", &pp.w[1], gd_by_hand(&t, 0.5, 1)[1], EXACT);
    // ... and the second layer reads the moved inputs x ← (I − γS)x, so it leaves GD.
    let gd2 = {
        let w1 = gd_by_hand(&t, 0.5, 1)[1];
        let n = t.y.len() as f64;
        let mut g = [0.0, 0.0];
        for (x, y) in t.x.iter().zip(&t.y) {
            let r = w1[0] * x[0] + w1[1] * x[1] - y;
            g = [g[0] + r * x[0] / n, g[1] + r * x[1] / n];
        }
        [w1[0] - g[0], w1[1] - g[1]]
    };
    assert!((pp.w[2][0] - gd2[0]).abs() + (pp.w[2][1] - gd2[1]).abs() > 1e-3);
    assert_eq!(pp.etas, vec![0.5, 1.0, 1.5]);
}

#[test]
fn streaming_panel_matches_the_main_task_at_k_equals_n() {
    let t = trajectory_of(v5_request(json!({"stream": 20})));
    let s = &t.streaming;
    assert_eq!(s.k, (1..=20).collect::<Vec<_>>());
    // The streamed task shares w and its first N = 10 pairs with the main task.
    close2("OLS at k = 10", &s.ols[9], [t.ols[0], t.ols[1]], 1e-10);
    close2(
        "ridge at k = 10",
        &s.ridge[9],
        ridge_2x2(&t, 10, 0.25),
        1e-10,
    );
    close2("ridge at k = 3", &s.ridge[2], ridge_2x2(&t, 3, 0.25), 1e-10);
    close("Bayes λ", s.ridge_lambda.unwrap(), 0.25, 1e-15);
    // One GD step: η*(k) h_k with η*(k) = k / (k + 3.25) (F1, d = 2, σ²/τ² = 0.25).
    for k in [1usize, 4, 10] {
        let eta = k as f64 / (k as f64 + 3.25);
        close(&format!("η*({k})"), s.gd_etas[k - 1], eta, 1e-12);
        let h: [f64; 2] =
            [0, 1].map(|j| (0..k).map(|i| t.x[i][j] * t.y[i]).sum::<f64>() / k as f64);
        close2(
            &format!("GD at k = {k}"),
            &s.gd[k - 1],
            [eta * h[0], eta * h[1]],
            1e-12,
        );
    }
    // k = 1 < d: min-norm OLS is y₁ x₁ / ‖x₁‖².
    let (x, y) = (&t.x[0], t.y[0]);
    let nn = x[0] * x[0] + x[1] * x[1];
    close2(
        "min-norm OLS at k = 1",
        &s.ols[0],
        [y * x[0] / nn, y * x[1] / nn],
        1e-10,
    );
}

/// `Σ_{s≤t} λ^{t−s} v_s k_sᵀ` and `Σ_{s≤t} λ^{t−s} v_s (k_s·q_t)`, from the panel's tokens and weights.
fn explicit_sums(p: &RnnPanel) -> (Vec<Vec<Vec<f64>>>, Vec<Vec<f64>>) {
    let project = |w: &Vec<Vec<f64>>, e: &Vec<f64>| -> Vec<f64> {
        w.iter()
            .map(|row| row.iter().zip(e).map(|(a, b)| a * b).sum())
            .collect()
    };
    let q: Vec<Vec<f64>> = p.tokens.iter().map(|e| project(&p.w_q, e)).collect();
    let k: Vec<Vec<f64>> = p.tokens.iter().map(|e| project(&p.w_k, e)).collect();
    let v: Vec<Vec<f64>> = p.tokens.iter().map(|e| project(&p.w_v, e)).collect();
    let mut states = Vec::new();
    let mut outputs = Vec::new();
    for t in 0..p.tokens.len() {
        let mut s = vec![vec![0.0; p.d_k]; p.d_v];
        let mut o = vec![0.0; p.d_v];
        for u in 0..=t {
            let decay = p.decay.powi((t - u) as i32);
            let kq: f64 = k[u].iter().zip(&q[t]).map(|(a, b)| a * b).sum();
            for a in 0..p.d_v {
                o[a] += decay * v[u][a] * kq;
                for b in 0..p.d_k {
                    s[a][b] += decay * v[u][a] * k[u][b];
                }
            }
        }
        states.push(s);
        outputs.push(o);
    }
    (states, outputs)
}

fn check_panel(p: &RnnPanel) {
    let (states, outputs) = explicit_sums(p);
    for t in 0..p.tokens.len() {
        for a in 0..p.d_v {
            close(
                &format!("o_{t}[{a}] (λ = {})", p.decay),
                p.recurrent[t][a],
                outputs[t][a],
                STREAMED,
            );
            close(
                &format!("parallel_{t}[{a}]"),
                p.parallel[t][a],
                outputs[t][a],
                STREAMED,
            );
            for b in 0..p.d_k {
                close(
                    &format!("S_{t}[{a}][{b}]"),
                    p.states[t][a][b],
                    states[t][a][b],
                    STREAMED,
                );
            }
        }
    }
    assert!(
        p.max_abs_diff <= STREAMED,
        "max |recurrent − parallel| = {}",
        p.max_abs_diff
    );
}

#[test]
fn rnn_panel_streams_causal_linear_attention_for_decay_one_and_below() {
    for decay in [1.0, 0.9] {
        let request = json!({"d": 2, "n": 10, "noise": 0.5, "seed": 1, "rnn": {"decay": decay}});
        let p = rnn_of(request);
        assert_eq!((p.d_k, p.d_v, p.tokens.len()), (3, 3, 11));
        check_panel(&p);
        // The tokens are the task's (x_i, y_i), then (x_q, 0).
        let t = trajectory_of(v5_request(json!({})));
        for i in 0..10 {
            assert_eq!(p.tokens[i], vec![t.x[i][0], t.x[i][1], t.y[i]]);
        }
        assert_eq!(p.tokens[10][2], 0.0);
    }
    let seeded = rnn_of(json!({"d": 3, "n": 20, "seed": 4,
        "rnn": {"projections": "seeded", "d_k": 4, "d_v": 3, "decay": 0.9, "seed": 5, "steps": 12}}));
    assert_eq!((seeded.d_k, seeded.d_v, seeded.tokens.len()), (4, 3, 12));
    check_panel(&seeded);
}

#[test]
fn rnn_panel_with_gd_projections_ends_on_one_gd_step() {
    let p = rnn_of(json!({"d": 2, "n": 10, "noise": 0.5, "seed": 1, "rnn": {"projections": "gd"}}));
    check_panel(&p);
    let eta = 10.0 / 13.25;
    close("η", p.eta.unwrap(), eta, 1e-12);
    // ŷ = η hᵀ x_q with h = (1/N) Σ y_i x_i, from the tokens.
    let q = &p.tokens[10];
    let h: Vec<f64> = (0..2)
        .map(|j| p.tokens[..10].iter().map(|e| e[2] * e[j]).sum::<f64>() / 10.0)
        .collect();
    let by_hand = eta * (h[0] * q[0] + h[1] * q[1]);
    close("gd prediction", p.gd_prediction.unwrap(), by_hand, 1e-12);
    close("last RNN output", p.recurrent[10][0], by_hand, 1e-12);
    let decayed =
        rnn_of(json!({"d": 2, "n": 10, "seed": 1, "rnn": {"projections": "gd", "decay": 0.5}}));
    assert!(decayed.gd_prediction.is_none());
}

#[test]
fn view_objects_reject_bad_fields_by_name() {
    let field = |v: Value| IclRequest::from_value(v).unwrap_err().field().to_owned();
    let traj = |t: Value| json!({"d": 2, "n": 10, "trajectory": t});
    let rnn = |r: Value| json!({"d": 2, "n": 10, "rnn": r});
    assert_eq!(field(json!({"d": 3, "n": 10, "trajectory": {}})), "d");
    assert_eq!(field(traj(json!({"steps": 0}))), "trajectory.steps");
    assert_eq!(field(traj(json!({"steps": 201}))), "trajectory.steps");
    assert_eq!(field(traj(json!({"stream": 257}))), "trajectory.stream");
    assert_eq!(field(traj(json!({"eta": -1.0}))), "trajectory.eta");
    assert_eq!(field(traj(json!({"colour": 1}))), "trajectory.colour");
    assert_eq!(
        field(traj(json!({"lambda_min": 10.0, "lambda_max": 1.0}))),
        "trajectory.lambda_min"
    );
    assert_eq!(field(traj(json!({"gd_pp": {}}))), "trajectory.gd_pp.gamma");
    assert_eq!(
        field(traj(json!({"gd_pp": {"gamma": 1.0, "gammas": [1.0]}}))),
        "trajectory.gd_pp.gammas"
    );
    assert_eq!(
        field(traj(json!({"steps": 2, "gd_pp": {"gammas": [1.0]}}))),
        "trajectory.gd_pp.gammas"
    );
    assert_eq!(
        field(traj(json!({"steps": 2, "gd_pp": {"gammas": [1.0, -2.0]}}))),
        "trajectory.gd_pp.gammas[1]"
    );
    assert_eq!(field(rnn(json!({"decay": 0.0}))), "rnn.decay");
    assert_eq!(
        field(json!({"d": 2, "n": 1000, "trajectory": {"steps": 100}})),
        "trajectory.steps"
    );
    assert_eq!(field(rnn(json!({"decay": 1.5}))), "rnn.decay");
    assert_eq!(field(rnn(json!({"steps": 12}))), "rnn.steps");
    assert_eq!(
        field(rnn(json!({"projections": "random"}))),
        "rnn.projections"
    );
    assert_eq!(field(rnn(json!({"eta": 1.0}))), "rnn.eta");
    assert_eq!(
        field(rnn(json!({"projections": "seeded", "d_k": 17}))),
        "rnn.d_k"
    );
    assert_eq!(field(json!({"d": 2, "n": 100, "rnn": {}})), "rnn.steps");
    assert_eq!(field(json!({"d": 2, "n": 10})), "learners");
    let e = IclRequest::from_value(rnn(json!({"steps": 65}))).unwrap_err();
    assert!(
        e.is_bad_input() && e.message().contains("11"),
        "{}",
        e.message()
    );
}

#[test]
fn cli_answers_a_views_only_request_without_learners() {
    let request = json!({"d": 2, "n": 10, "noise": 0.5, "seed": 1, "trajectory": {}, "rnn": {}});
    let (status, out) = common::run_cli("icl", &request.to_string());
    assert_eq!(status, 0, "{out}");
    assert_eq!(out["learners"], json!([]));
    assert!(
        out["trajectory"]["lsa_max_abs_diff_vs_gd"]
            .as_f64()
            .unwrap()
            <= EXACT
    );
    assert!(out["rnn"]["max_abs_diff"].as_f64().unwrap() <= STREAMED);
    let (status, out) = common::run_cli(
        "icl",
        &json!({"d": 2, "n": 10, "rnn": {"decay": 2}}).to_string(),
    );
    assert_eq!(status, 2);
    assert_eq!(out["error"]["field"], "rnn.decay");
    // Learners-only responses carry neither object.
    let (_, out) = common::run_cli(
        "icl",
        &json!({"d": 2, "n": 10, "tasks": 10, "learners": [{"name": "ols"}]}).to_string(),
    );
    assert!(out.get("trajectory").is_none() && out.get("rnn").is_none());
}
