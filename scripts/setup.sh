#!/usr/bin/env bash
# Installs everything AttnScope needs on a fresh Debian machine; idempotent and quiet when done.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=..."` pin in Cargo.toml
WASM_PACK_VERSION=0.15.1

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# Debian packages: Chromium + its driver (browser tests), lavapipe (native Vulkan on the CPU).
apt_pkgs=(chromium chromium-driver mesa-vulkan-drivers libvulkan1)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Rust: the wasm target and the lint/format components.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt

# Pinned cargo tools (versions checked, so a stale one is replaced).
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # --locked first (reproducible); a lock entry missing from the registry falls back to a fresh resolve.
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --locked --force \
    || cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION" --force
fi
if [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  log "cargo install wasm-pack $WASM_PACK_VERSION"
  cargo install wasm-pack --version "=$WASM_PACK_VERSION" --locked --force \
    || cargo install wasm-pack --version "=$WASM_PACK_VERSION" --force
fi

# Front end: npm ci when the lock file changed since the last install.
if [ -f www/package-lock.json ]; then
  stamp=www/node_modules/.attnscope-lock
  if [ ! -f "$stamp" ] || ! cmp -s www/package-lock.json "$stamp"; then
    log "npm ci (www)"
    (cd www && npm ci --no-audit --no-fund --loglevel=error)
    cp www/package-lock.json "$stamp"
  fi
fi
