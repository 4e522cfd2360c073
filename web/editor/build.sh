#!/bin/sh
# Bundles the lab editor (main.js and the npm packages pinned in package-lock.json) into
# web/static/editor.js, minified. The output depends only on the sources and the lock
# file, so CI rebuilds it and compares with the committed copy (check.sh).
# Usage: npm ci && sh build.sh [OUTFILE]
set -eu
cd "$(dirname "$0")"
out=${1:-../static/editor.js}
./node_modules/.bin/esbuild main.js --bundle --minify --format=iife --target=es2020 \
  --legal-comments=none --charset=utf8 --log-level=warning --outfile="$out"
