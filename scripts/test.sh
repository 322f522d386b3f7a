#!/usr/bin/env bash
# Runs every AttnScope test, after installing whatever is missing (scripts/setup.sh).
# .ci/run runs exactly this. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

export REQUIRE_GPU=1   # a GPU test without an adapter fails (lavapipe natively, SwiftShader in Chromium)
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"   # Mesa's window-system probe wants one
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

started=$(date +%s)
step() { printf '\n\033[1;34m== %s\033[0m (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

step "format";          cargo fmt --all -- --check
step "clippy native";   cargo clippy --locked --all-targets -- -D warnings
step "clippy wasm32";   cargo clippy --locked --all-targets --target wasm32-unknown-unknown -- -D warnings
step "cargo test (CPU reference, CLI, GPU on lavapipe)"
cargo test --locked
step "wasm-pack test --headless --chrome (WebGPU in Chromium)"
wasm-pack test --headless --chrome -- --locked --test web
step "wasm package";    wasm-pack build --target web --release --out-dir www/pkg -- --locked
cd www
step "www type check";  npm run check
step "www unit tests";  npm run test:unit
step "www build";       npm run build
step "www end-to-end (Playwright, system Chromium, WebGPU)"
ATTNSCOPE_CLI="$PWD/../target/debug/attnscope" npm run test:e2e
step "all tests passed"
