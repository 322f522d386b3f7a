//! The documentation in the repository against the code: `docs/variants.md` carries every
//! catalogued variant under its section with its formula, and every `variants.md §N` cited in
//! the code, the tests, the shaders and the page resolves to a section of it.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use attnscope::attention::VariantSpec;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn variants_md() -> String {
    std::fs::read_to_string(root().join("docs/variants.md")).unwrap()
}

/// The section numbers of the headings (`## §5 …`, `### §2.13 …`).
fn sections(doc: &str) -> Vec<String> {
    doc.lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.split('§').nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_catalogued_variant_has_its_card() {
    let doc = variants_md();
    for card in VariantSpec::catalog() {
        let heading = format!("### §{} `{}`", card.spec_section, card.name);
        assert!(doc.contains(&heading), "docs/variants.md lacks `{heading}`");
        assert!(
            doc.contains(card.formula_tex),
            "docs/variants.md lacks {}'s formula as the catalog has it",
            card.name
        );
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "wgsl" | "ts" | "svelte")
        ) {
            out.push(path);
        }
    }
}

/// Every citation `marker` + label in src, tests, shaders and the page, as `(file, label)`; a
/// label is the run of characters after the marker that `in_label` accepts, without a final dot.
fn citations(marker: &str, in_label: impl Fn(char) -> bool) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for dir in ["src", "tests", "shaders", "www/src"] {
        files(&root().join(dir), &mut paths);
    }
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        for cite in text.split(marker).skip(1) {
            let label: String = cite.chars().take_while(|&c| in_label(c)).collect();
            out.push((
                path.display().to_string(),
                label.trim_end_matches('.').to_owned(),
            ));
        }
    }
    out
}

#[test]
fn every_cited_section_exists() {
    let known = sections(&variants_md());
    let missing: Vec<String> = citations("variants.md §", |c| c.is_ascii_digit() || c == '.')
        .into_iter()
        // An empty section is a template (the page's `§${spec_section}`), not a citation.
        .filter(|(_, section)| !section.is_empty() && !known.contains(section))
        .map(|(path, section)| format!("{path}: §{section}"))
        .collect();
    assert!(
        missing.is_empty(),
        "cited but not in docs/variants.md: {missing:?}"
    );
}

/// The labels `docs/icl.md` defines: `§N` headings, `FN` formulas (and their lettered parts) and
/// `VN` views, where a heading or a bold lead-in names them.
fn icl_labels() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/icl.md")).unwrap();
    let mut labels = Vec::new();
    for line in doc.lines() {
        let lead = line.starts_with('#') || line.starts_with("**") || line.starts_with("- **");
        if !lead {
            continue;
        }
        let head: String = line.chars().take(40).collect();
        for word in head.split(|c: char| c.is_whitespace() || c == '*' || c == ',') {
            let word = word.trim_end_matches(['.', ':', '—']);
            let is_label = (word.starts_with('§') && word.len() > 2)
                || ((word.starts_with('F') || word.starts_with('V'))
                    && word[1..].starts_with(|c: char| c.is_ascii_digit()));
            if is_label {
                labels.push(word.to_owned());
            }
        }
    }
    labels
}

#[test]
fn every_cited_icl_label_exists() {
    let known = icl_labels();
    for label in ["§1.10", "F0", "F4c", "F6a", "F7c", "V10"] {
        assert!(known.iter().any(|k| k == label), "{label} in {known:?}");
    }
    let in_label = |c: char| c.is_alphanumeric() || c == '§' || c == '.';
    let missing: Vec<String> = citations("icl.md ", in_label)
        .into_iter()
        .filter(|(_, label)| {
            let is_label = label.starts_with('§')
                || ((label.starts_with('F') || label.starts_with('V'))
                    && label[1..].starts_with(|c: char| c.is_ascii_digit()));
            is_label && !known.contains(label)
        })
        .map(|(path, label)| format!("{path}: {label}"))
        .collect();
    assert!(
        missing.is_empty(),
        "cited but not in docs/icl.md: {missing:?} (known {known:?})"
    );
}
