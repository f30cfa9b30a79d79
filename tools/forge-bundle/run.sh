#!/usr/bin/env bash
# Bundles the backend with Forge's own bundler (@forge/bundler, what `forge deploy` runs), offline,
# and fails when bundling fails, a manifest handler is missing from the bundle, or local-only code
# (src/localhost, src/emulator, src/cli) is in it. See bundle.cjs.
# Usage: tools/forge-bundle/run.sh [OUT_DIR]   (from anywhere; default OUT_DIR <app>/dist/forge-bundle)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ ! -d "$here/node_modules/@forge/bundler" ]; then
  # --ignore-scripts: a transitive dependency's native keychain module (of @forge/cli-shared)
  # cannot build here, and bundling never uses it.
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
out="$(cd "$root" && realpath -m "${1:-dist/forge-bundle}")"
cd "$root"
exec node "$here/bundle.cjs" "$out"
