//! Request generators driven by the catalog, shared by the native fuzz harness (tests/fuzz.rs)
//! and its browser slice (tests/web.rs): valid requests at and inside the parameters' ranges and
//! rules, seeded or given workloads with extreme magnitudes, and structural mutations.

use attnscope::catalog::{CatalogEntry, ParamRule};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde_json::{json, Map, Value};

/// The generators' random source (ChaCha8, seeded).
pub struct Gen(ChaCha8Rng);

impl Gen {
    /// A source seeded with `seed`.
    pub fn new(seed: u64) -> Gen {
        Gen(ChaCha8Rng::seed_from_u64(seed))
    }
    /// A raw 64-bit draw.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// A draw.
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A draw.
    pub fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
    /// A draw.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    /// A draw.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A value of one catalogued numeric parameter: at a bound, or inside the range (log-uniform
/// where the slider is), following its rules.
fn param_value(
    g: &mut Gen,
    p: &attnscope::catalog::ParamSchema,
    n: usize,
    d_v: usize,
) -> Option<Value> {
    let (lo, hi) = (p.min?, p.max?);
    let integer = p.kind == "integer";
    let mut x = match g.below(5) {
        0 => lo,
        1 => hi,
        _ if p.log_scale && lo > 0.0 => (lo.ln() + g.unit() * (hi.ln() - lo.ln())).exp(),
        _ => lo + g.unit() * (hi - lo),
    };
    if integer {
        x = x.round().clamp(lo.ceil(), hi.floor());
        // Integer ranges can be huge (hashes ≤ 4096): keep the quick slice quick.
        x = x.min(lo.max(64.0));
        // The bounds by n and d_v first, then the shape rules within them.
        for rule in &p.rules {
            match rule {
                ParamRule::AtMostN => x = x.min(n as f64).max(lo),
                ParamRule::BelowDv => x = x.min(d_v as f64 - 1.0).max(lo),
                _ => {}
            }
        }
        for rule in &p.rules {
            match rule {
                ParamRule::Odd if (x as u64).is_multiple_of(2) => x = (x - 1.0).max(1.0),
                ParamRule::PowerOfTwo => x = 2f64.powi((x.log2().floor() as i32).max(0)),
                _ => {}
            }
        }
        return Some(json!(x as u64));
    }
    Some(json!(x))
}

fn variant(g: &mut Gen, card: &CatalogEntry, n: usize, d_v: usize) -> Value {
    let mut v = Map::new();
    v.insert("name".into(), json!(card.name));
    for p in &card.params {
        if !p.required && g.chance(0.5) {
            continue; // the default
        }
        let value = match p.kind {
            "number" | "integer" => param_value(g, p, n, d_v),
            "boolean" => Some(json!(g.chance(0.5))),
            _ => None,
        };
        if let Some(value) = value {
            v.insert(p.name.into(), value);
        }
    }
    Value::Object(v)
}

/// Seeded workloads, or given arrays with extreme magnitudes, zeros and negative zeros.
fn workload(g: &mut Gen, n: usize, d_k: usize, d_v: usize) -> Value {
    let seed = g.next_u64() % 1000;
    let rope = g.chance(0.2);
    match g.below(7) {
        0 => {
            json!({"kind": "gaussian", "n": n, "d_k": d_k, "d_v": d_v, "seed": seed, "rope": rope})
        }
        1 => json!({"kind": "clustered", "n": n, "d_k": d_k, "d_v": d_v, "seed": seed,
                    "clusters": 1 + g.below(4), "spread": g.unit() * 8.0}),
        2 => json!({"kind": "local", "n": n, "d_k": d_k, "d_v": d_v, "seed": seed}),
        3 => {
            json!({"kind": "copy", "n": n, "d_k": d_k, "d_v": d_v, "seed": seed, "period": 1 + g.below(8)})
        }
        4 => {
            json!({"kind": "recall", "n": n, "d_k": d_k, "d_v": d_v, "seed": seed, "pairs": 1 + g.below(4)})
        }
        _ => {
            let scale = 10f64.powi(g.below(61) as i32 - 30);
            let mut rows = |cols: usize| -> Vec<Vec<f64>> {
                (0..n)
                    .map(|_| {
                        (0..cols)
                            .map(|_| match g.below(8) {
                                0 => 0.0,
                                1 => -0.0,
                                _ => scale * (2.0 * g.unit() - 1.0),
                            })
                            .collect()
                    })
                    .collect()
            };
            let (q, k, v) = (rows(d_k), rows(d_k), rows(d_v));
            json!({"kind": "given", "q": q, "k": k, "v": v, "rope": rope})
        }
    }
}

/// A request the contract accepts in shape: a catalogued variant with parameters at, inside or
/// on the rules of their ranges, a seeded or given (extreme) workload, on the CPU.
pub fn valid_request(g: &mut Gen, catalog: &[CatalogEntry]) -> Value {
    let card = g.pick(catalog);
    let n = *g.pick(&[1, 2, 3, 5, 8, 13, 20, 32, 48]);
    let (d_k, d_v) = (1 + g.below(12), 1 + g.below(8));
    let causal = match (card.supports.causal, card.supports.non_causal) {
        (true, true) => g.chance(0.5),
        (causal, _) => causal,
    };
    let outputs: Vec<&str> = ["output", "attention", "stats"]
        .into_iter()
        .filter(|_| g.chance(0.6))
        .collect();
    let mut r = json!({
        "variant": variant(g, card, n, d_v), "causal": causal,
        "workload": workload(g, n, d_k, d_v), "backend": "cpu",
    });
    if !outputs.is_empty() {
        r["outputs"] = json!(outputs);
    }
    if g.chance(0.3) {
        r["compare_to"] = json!("softmax");
    }
    r
}

/// One structural change: a field removed, an unknown field, a wrong type, an out-of-range size.
pub fn mutate(g: &mut Gen, mut r: Value) -> Value {
    let target = if g.chance(0.5) { "variant" } else { "workload" };
    let object = r[target].as_object_mut().unwrap();
    let keys: Vec<String> = object.keys().cloned().collect();
    let key = g.pick(&keys).clone();
    match g.below(5) {
        0 => {
            object.remove(&key);
        }
        1 => {
            object.insert("temprature".into(), json!(1));
        }
        2 => {
            object.insert(key, json!("text"));
        }
        3 => {
            object.insert(key, json!(-1e300));
        }
        _ => {
            object.insert(key, json!([[1.0, f64::MAX], []]));
        }
    }
    r
}
