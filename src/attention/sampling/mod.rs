//! Sampling / hashing attention (variants.md §4): YOSO.

pub mod yoso;
