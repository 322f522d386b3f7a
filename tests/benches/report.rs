//! `cargo bench --bench report`: one quotable table of the CPU reference's forms, timed with
//! `std::time::Instant` (no statistics), with the two numbers the issues ask for:
//!
//! - growth `t(65 536) / t(4 096)` of each linear-time form (goal ≤ 20; exactly linear is 16);
//! - the n at which each linear-time form overtakes softmax with the same mask (goal ≤ 1 024):
//!   the first size of the grid from which it stays faster, and a log-log interpolation between
//!   the two sizes around the crossing.
//!
//! What it measures is fixed: the sizes, the seed, the cases of `shared.rs` and the number of
//! runs (the best of 5 for n ≤ 2 048, of 3 above, taken round robin over the cases, so that
//! another process on a shared machine inflates fewer points). Only the clock varies. About
//! 75 s on 2 cores. d_k = d_v = 64, f64 accumulation (the CPU reference is the specification,
//! not a tuned kernel), one thread.
#![cfg_attr(target_arch = "wasm32", no_main)] // native only: an empty crate on wasm32
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::expect_used)] // a bench may panic on a broken invariant

mod shared;

use shared::{cases, qkv, run, spec, Case, D, SEED};
use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

/// The issues' grid (256 … 65 536) with 512 and 2 048 added to place the crossovers.
const SIZES: [usize; 7] = [256, 512, 1_024, 2_048, 4_096, 16_384, 65_536];
/// Runs per point (the fastest is kept): more where one run takes milliseconds.
fn runs(n: usize) -> usize {
    if n <= 2_048 {
        5
    } else {
        3
    }
}

#[allow(clippy::disallowed_methods)] // native-only bench: std's clock is fine here
fn now() -> Instant {
    Instant::now()
}

fn main() {
    // Arguments (`--bench`, a filter) are ignored: the table is always the same.
    let cases = cases();
    let total = now();
    // times[case][size] in seconds; None where the case is skipped at that size.
    let mut times: Vec<Vec<Option<f64>>> = vec![vec![None; SIZES.len()]; cases.len()];
    let specs: Vec<_> = cases.iter().map(spec).collect();
    for (s, &n) in SIZES.iter().enumerate() {
        let inputs = qkv(n);
        eprint!("n = {n:>6}:");
        // Round robin: every case once per round, so that a burst of load elsewhere on the
        // machine does not land on one case's runs only.
        for _ in 0..runs(n) {
            for (c, case) in cases.iter().enumerate() {
                if n > case.max_n {
                    continue;
                }
                let start = now();
                black_box(run(&specs[c], case.form, black_box(&inputs), case.causal));
                let t = start.elapsed().as_secs_f64();
                times[c][s] = Some(times[c][s].map_or(t, |best: f64| best.min(t)));
            }
            eprint!(".");
            let _ = std::io::stderr().flush();
        }
        eprintln!(" ({:.1} s so far)", total.elapsed().as_secs_f64());
    }
    print_report(&cases, &times, total.elapsed());
}

fn print_report(cases: &[Case], times: &[Vec<Option<f64>>], total: Duration) {
    let cores = std::thread::available_parallelism().map_or(0, |c| c.get());
    println!();
    println!(
        "AttnScope CPU reference, d_k = d_v = {D}, gaussian seed {SEED}, one thread \
         ({cores} cores seen); ms per forward pass, best of {} runs \
         (n <= 2048) or {} (above), interleaved.",
        runs(256),
        runs(65_536)
    );
    println!();
    let mut header = format!("| {:<26} |", "form");
    let mut rule = format!("|{}|", "-".repeat(28));
    for n in SIZES {
        header += &format!(" {n:>9} |");
        rule += &format!("{}:|", "-".repeat(10));
    }
    header += " t(65536)/t(4096) | overtakes softmax at |";
    rule += "-----------------:|:---------------------|";
    println!("{header}");
    println!("{rule}");
    for (c, case) in cases.iter().enumerate() {
        let mut line = format!("| {:<26} |", case.label);
        for t in &times[c] {
            line += &match t {
                Some(t) => format!(" {:>9} |", format_ms(*t)),
                None => format!(" {:>9} |", "–"),
            };
        }
        let growth = if case.linear {
            match (time_at(times, c, 4_096), time_at(times, c, 65_536)) {
                (Some(a), Some(b)) => format!("{:.1}", b / a),
                _ => "–".into(),
            }
        } else {
            "–".into()
        };
        let crossover = match case.reference {
            Some(reference) if case.linear => {
                let r = cases
                    .iter()
                    .position(|x| x.label == reference)
                    .expect("the reference row");
                crossover(&times[c], &times[r])
            }
            _ => "–".into(),
        };
        println!("{line} {growth:>16} | {crossover:<20} |");
    }
    println!();
    println!(
        "Quadratic forms stop at the sizes where one run takes seconds (softmax, linear_elu \
         quadratic and the low-rank products with A at 4096, performer quadratic at 2048). \
         Growth: goal <= 20 (linear = 16). Crossover: goal <= 1024; \"from N (~M)\" = faster \
         than softmax with the same mask at every measured size from N on, log-log \
         interpolated crossing at M."
    );
    println!("total {:.1} s", total.as_secs_f64());
}

fn time_at(times: &[Vec<Option<f64>>], case: usize, n: usize) -> Option<f64> {
    let s = SIZES.iter().position(|&x| x == n)?;
    times[case][s]
}

fn format_ms(seconds: f64) -> String {
    let ms = seconds * 1e3;
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// Where `form` becomes (and stays) faster than `reference`, over the sizes both ran at.
fn crossover(form: &[Option<f64>], reference: &[Option<f64>]) -> String {
    let both: Vec<(usize, f64)> = SIZES
        .iter()
        .zip(form.iter().zip(reference))
        .filter_map(|(&n, (f, r))| Some((n, (*f)? / (*r)?)))
        .collect(); // (n, t_form / t_softmax)
    let Some(&(largest, _)) = both.last() else {
        return "–".into();
    };
    // The first index from which the ratio stays below 1.
    let first = both
        .iter()
        .rposition(|&(_, ratio)| ratio >= 1.0)
        .map_or(0, |i| i + 1);
    if first == both.len() {
        return format!("> {largest} (slower at all)");
    }
    if first == 0 {
        return format!("<= {}", both[0].0);
    }
    let ((n0, r0), (n1, r1)) = (both[first - 1], both[first]);
    // ln(ratio) linear in ln(n): the zero between n0 and n1.
    let (x0, x1) = ((n0 as f64).ln(), (n1 as f64).ln());
    let (y0, y1) = (r0.ln(), r1.ln());
    let x = x0 + (x1 - x0) * y0 / (y0 - y1);
    format!("from {n1} (~{:.0})", x.exp())
}
