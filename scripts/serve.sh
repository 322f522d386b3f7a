#!/usr/bin/env bash
# Installs what is missing, builds the wasm package and the site, and serves www/dist on
# http://127.0.0.1:$PORT (default 8080). Any static host serves www/dist the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8080}"

bash scripts/setup.sh
wasm-pack build --target web --release --out-dir www/pkg
cd www
npm run build
echo
echo "AttnScope is served at http://127.0.0.1:${PORT}/  (Ctrl-C to stop)"
exec npx vite preview --host 127.0.0.1 --port "$PORT" --strictPort
