#!/bin/sh
# Checks that the committed web/static/editor.js is what the lock file builds: installs
# exactly the locked packages (npm ci), bundles into a temporary file and compares.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sh build.sh "$tmp"
if ! cmp -s "$tmp" ../static/editor.js; then
  echo "web/static/editor.js is not what web/editor builds from package-lock.json: run 'cd web/editor && npm ci && sh build.sh' and commit the result" >&2
  exit 1
fi
echo "web/static/editor.js matches its build"
