//! `Mask`: which keys each query row may attend to (its support `𝒮_i`), always one contiguous
//! range. The CPU reference, the statistics and the GPU (as per-row key ranges) all read it here.

use std::ops::Range;

/// The support of every query row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mask {
    /// Every key: `[0, n)`.
    Full,
    /// Keys `j ≤ i`.
    Causal,
    /// Sliding window of `window` keys (variants.md §9.1): causal `i − W < j ≤ i`, else
    /// `|i − j| < W`.
    Window {
        /// W.
        window: usize,
        /// Causal or symmetric.
        causal: bool,
    },
    /// Consecutive diagonal blocks of `size` tokens, the last one shorter (LLN+Diag's softmax
    /// branch); causal within a block when masked.
    Block {
        /// Tokens per block.
        size: usize,
        /// Causal within the block.
        causal: bool,
    },
    /// Neighborhood attention with odd `kernel` k (variants.md §9.2): non-causal
    /// `[clamp(i − ⌊k/2⌋, 0, n − k), … + k)` (shifted, not truncated, at the borders); causal
    /// `[max(0, i − k + 1), i]`.
    Neighborhood {
        /// k.
        kernel: usize,
        /// Causal or centred.
        causal: bool,
    },
}

impl Mask {
    /// The plain mask of a request's `causal` flag.
    pub fn from_causal(causal: bool) -> Mask {
        if causal {
            Mask::Causal
        } else {
            Mask::Full
        }
    }

    /// The keys of row `i` of an `n`-token sequence.
    pub fn keys(self, i: usize, n: usize) -> Range<usize> {
        match self {
            Mask::Full => 0..n,
            Mask::Causal => 0..i + 1,
            Mask::Window {
                window,
                causal: true,
            } => (i + 1).saturating_sub(window)..i + 1,
            Mask::Window {
                window,
                causal: false,
            } => (i + 1).saturating_sub(window)..(i + window).min(n),
            Mask::Block { size, causal } => {
                let start = i / size.max(1) * size.max(1);
                let end = if causal { i + 1 } else { (start + size).min(n) };
                start..end
            }
            Mask::Neighborhood {
                kernel,
                causal: true,
            } => (i + 1).saturating_sub(kernel)..i + 1,
            Mask::Neighborhood {
                kernel,
                causal: false,
            } => {
                let start = i.saturating_sub(kernel / 2).min(n.saturating_sub(kernel));
                start..(start + kernel).min(n)
            }
        }
    }

    /// Every row's keys lie at or below the diagonal (so `A` is lower triangular).
    pub fn is_causal(self) -> bool {
        match self {
            Mask::Full => false,
            Mask::Causal => true,
            Mask::Window { causal, .. }
            | Mask::Block { causal, .. }
            | Mask::Neighborhood { causal, .. } => causal,
        }
    }
}
