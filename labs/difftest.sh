#!/bin/sh
# The differential harness: every program of the three corpora (the Go distribution's
# "// run" tests, the idioms in labs/sandbox/testdata/difftest/idioms, every lab's
# reference and starter) run by the real go toolchain and by the sandbox, compared.
# Prints the counts per corpus: same / refused / diverging / timeout.
# Usage: labs/difftest.sh [-v]   (-v also lists why each refused idiom was refused)
set -e
cd "$(dirname "$0")/.."
if [ "$1" = "-v" ]; then export PREP_DIFFTEST_VERBOSE=1; fi
go test ./labs/sandbox -run 'TestDifferential' -count=1 -v -timeout 20m 2>&1 |
	tee /tmp/prep-difftest.log | grep -a -E 'corpus|^(--- |ok|FAIL|PASS)|refused:'
