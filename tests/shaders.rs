//! Every `shaders/*.wgsl` parses and validates with naga (no GPU needed), has a `main` compute
//! entry point of the crate's workgroup size, and lays out its params struct exactly as Rust does.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may panic on a broken invariant

use attnscope::gpu::{PARAMS_LAYOUT, WORKGROUP_SIZE};
use std::path::Path;

fn shaders() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "wgsl"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_shader_validates_and_matches_the_rust_side() {
    let files = shaders();
    assert!(
        files.len() >= 5,
        "expected the softmax and four linear shaders, found {files:?}"
    );
    let snippet = files
        .iter()
        .find(|(name, _)| name == "gamma_spans.wgsl")
        .map(|(_, source)| source.clone())
        .expect("shaders/gamma_spans.wgsl");
    for (name, mut source) in files {
        if name == "gamma_spans.wgsl" {
            continue; // a snippet: validated inside every shader that prepends it
        }
        // As the Rust side builds it (`concat!` in src/gpu/pipelines/mod.rs).
        if source.contains("Prepended: gamma_spans.wgsl") {
            source.push_str(&snippet);
        }
        let module = naga::front::wgsl::parse_str(&source)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&source)));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(&source)));

        let entry = module.entry_points.iter().find(|e| e.name == "main");
        let entry = entry.unwrap_or_else(|| panic!("{name}: no entry point `main`"));
        assert_eq!(entry.stage, naga::ShaderStage::Compute, "{name}");
        assert_eq!(entry.workgroup_size, [WORKGROUP_SIZE, 1, 1], "{name}");

        let header = source.lines().next().unwrap();
        assert!(
            header.starts_with(&format!("// {name}:")),
            "{name}: header names the file"
        );

        let mut params_structs = 0;
        for (_, ty) in module.types.iter() {
            let Some(type_name) = &ty.name else { continue };
            let Some((_, rust_size)) = PARAMS_LAYOUT.iter().find(|(n, _)| n == type_name) else {
                continue;
            };
            let naga::TypeInner::Struct { span, .. } = ty.inner else {
                continue;
            };
            assert_eq!(
                span as usize, *rust_size,
                "{name}: {type_name} differs from Rust"
            );
            params_structs += 1;
        }
        assert_eq!(params_structs, 1, "{name}: one params struct known to Rust");
    }
}
