#!/bin/sh
# check.sh regenerates the FSRS fixtures with the pinned ts-fsrs (installed
# from package-lock.json) and fails if they differ from the committed
# store/fsrs/testdata/fixtures.json. Needs node >= 20 and npm.
#
#   sh store/fsrs/testdata/gen/check.sh
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
tmp=$(mktemp "${TMPDIR:-/tmp}/fsrs-fixtures.XXXXXX")
trap 'rm -f "$tmp"' EXIT
node gen.mjs "$tmp"
if ! diff -u ../fixtures.json "$tmp" >"$tmp.diff"; then
	head -n 40 "$tmp.diff" >&2
	rm -f "$tmp.diff"
	echo "check.sh: store/fsrs/testdata/fixtures.json differs from ts-fsrs output; run: cd store/fsrs/testdata/gen && npm ci && node gen.mjs" >&2
	exit 1
fi
rm -f "$tmp.diff"
echo "check.sh: fixtures.json matches ts-fsrs 5.4.2"
