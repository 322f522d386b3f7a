// gamma_spans.wgsl: a snippet, not a kernel — prepended by the Rust side (and by the shader test)
// to every shader whose header says "Prepended: gamma_spans.wgsl"; it reads the including
// shader's `gamma` binding, as gated_prep.wgsl writes it.
//
// gamma holds three numbers per entry: the chunk-local prefix sum Γ, the sum since the last
// large gate, and where that segment starts. A span Γ_a − Γ_b inside one segment is the
// difference of the small segment sums (a −10⁴ gate before it no longer costs it its digits);
// a span across a segment start holds a gate below −16 and decays below 1e-7, where the f32
// difference of the large prefix sums is accurate enough.

fn gamma_at(i: u32) -> f32 {
    return gamma[3u * i];
}

fn gamma_span(a: u32, b: u32) -> f32 {
    if gamma[3u * a + 2u] == gamma[3u * b + 2u] {
        return gamma[3u * a + 1u] - gamma[3u * b + 1u];
    }
    return gamma[3u * a] - gamma[3u * b];
}
