#!/usr/bin/env bash
# Offline `forge lint` (client-side linters) for CI: fails on any error or warning.
# Usage: tools/forge-lint/run.sh   (from anywhere; installs this folder's locked deps if missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jira_spec="$(cd "$root/.." && pwd)/shared/jira-openapi/platform-v3.json"
if [ ! -f "$jira_spec" ]; then
  echo "forge-lint: Jira OpenAPI spec not found at $jira_spec" >&2
  exit 2
fi
if [ ! -d "$here/node_modules/@forge/lint" ]; then
  # --ignore-scripts: a transitive dependency's native keychain module cannot build here, and the
  # client-side linters never use it.
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
export USE_LOCAL_SWAGGER=1
export LOCAL_JIRA_SWAGGER="$jira_spec"
# The app calls only Jira platform APIs; the other products get an empty spec.
empty="$here/empty-openapi.json"
export LOCAL_JSM_SWAGGER="$empty" LOCAL_JSW_SWAGGER="$empty" LOCAL_CONF_SWAGGER="$empty" \
  LOCAL_CONF_V2_SWAGGER="$empty" LOCAL_BB_SWAGGER="$empty"
cd "$root"
exec node "$here/lint.cjs"
