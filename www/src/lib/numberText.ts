// Numbers written into exports (CSV, JSON) at the precision they have: no binary float noise such as 41.300000000000004.

/**
 * A double (f64) rounded to 15 significant digits, the most a decimal round trip through an f64 always keeps:
 * 41.300000000000004 → 41.3, 0.1 + 0.2 → 0.3. Non-finite values pass through unchanged.
 */
export function tidyF64(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(15)) : v;
}

/**
 * The shortest decimal that reads back to the same f32 (what Rust's `{}` prints for an f32): the f32 nearest
 * to 0.1, widened to a double as 0.10000000149011612, comes back as 0.1. Non-finite values pass through unchanged.
 */
export function tidyF32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  const f = Math.fround(v);
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(f.toPrecision(digits));
    if (Math.fround(d) === f) return d;
  }
  return Number(f.toPrecision(9)); // 9 significant digits always identify an f32
}

/** An f32 array as plain numbers, each at its shortest round-trip form (for JSON exports of maps). */
export function tidyF32Array(a: ArrayLike<number>): number[] {
  return Array.from(a, tidyF32);
}
