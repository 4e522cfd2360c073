#!/bin/sh
# bench.sh measures where people wait (issue 19) and prints each figure before and after,
# with the ratio to a baseline measured in the same run. Run it from the repository root:
#
#	sh cmd/prep/bench.sh            # COUNT=3 runs of each benchmark, medians printed
#	COUNT=5 sh cmd/prep/bench.sh
#
# On a shared machine absolute figures move with the load; compare the ratios.
set -eu
COUNT=${COUNT:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)  count: $COUNT (medians)"
go test ./web -run '^$' -bench 'BenchmarkRequestLog$' -benchtime 2000x -count "$COUNT" >"$out/log.txt"
go test ./cmd/prep -run '^$' -bench 'BenchmarkLabRun$' -benchtime 30x -count "$COUNT" >"$out/run.txt"
go test ./web -run '^$' -bench 'BenchmarkSignedIn$' -benchtime 3000x -count "$COUNT" >"$out/signed.txt"
go test ./cmd/prep -run '^$' -bench 'BenchmarkColdStart/(exec-help|restart)' -benchtime 10x -count "$COUNT" >"$out/restart.txt"

# median FILE BENCH UNIT prints the median of UNIT over the lines of BENCH (its name
# without the -GOMAXPROCS suffix).
median() {
	awk -v b="$2" -v u="$3" '
	{ n = $1; sub(/-[0-9]+$/, "", n); if (n != b) next
	  for (i = 3; i < NF; i++) if ($(i+1) == u) v[k++] = $i }
	END { if (k == 0) { print "NaN"; exit }
	  for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	  print (k % 2) ? v[int(k/2)] : (v[k/2-1] + v[k/2]) / 2 }' "$1"
}

# row LABEL BEFORE AFTER BASELINE UNIT prints a figure: before, after, after/before, and
# each over the baseline.
row() {
	awk -v l="$1" -v b="$2" -v a="$3" -v z="$4" -v u="$5" 'BEGIN {
	  printf "%-42s %10.4g %10.4g %-8s after/before %6.3f", l, b, a, u, (b ? a / b : 0)
	  if (z != "") printf "   baseline %8.4g: before %7.3f× after %7.3f×", z, b / z, a / z
	  printf "\n" }'
}

echo
echo "figure                                         before      after"
r=$out/log.txt
row "6 logs: bytes logged per request, sample=0.01" "$(median $r BenchmarkRequestLog/all log-B/op)" "$(median $r BenchmarkRequestLog/sample=0.01 log-B/op)" "" "B/req"
row "6 logs: bytes logged per request, errors" "$(median $r BenchmarkRequestLog/all log-B/op)" "$(median $r BenchmarkRequestLog/errors log-B/op)" "" "B/req"
row "6 logs: time per request, sample=0.01 (base off)" "$(median $r BenchmarkRequestLog/all ns/op)" "$(median $r BenchmarkRequestLog/sample=0.01 ns/op)" "$(median $r BenchmarkRequestLog/off ns/op)" "ns"
r=$out/run.txt
row "1 lru Run p50, real binary (cold → pooled)" "$(median $r BenchmarkLabRun/cold p50-ms)" "$(median $r BenchmarkLabRun/pooled p50-ms)" "" "ms"
row "1 lru Run p90, real binary (cold → pooled)" "$(median $r BenchmarkLabRun/cold p90-ms)" "$(median $r BenchmarkLabRun/pooled p90-ms)" "" "ms"
r=$out/signed.txt
row "3 signed-in card req/s (base static asset)" "$(median $r BenchmarkSignedIn/card-signed-in-nocache req/s)" "$(median $r BenchmarkSignedIn/card-signed-in req/s)" "$(median $r BenchmarkSignedIn/static req/s)" "req/s"
row "3 signed-in card p99 at 64 connections" "$(median $r BenchmarkSignedIn/card-signed-in-nocache p99-ms)" "$(median $r BenchmarkSignedIn/card-signed-in p99-ms)" "$(median $r BenchmarkSignedIn/static p99-ms)" "ms"
row "3 anonymous card req/s (unchanged; base static)" "$(median $r BenchmarkSignedIn/card-anon req/s)" "$(median $r BenchmarkSignedIn/card-anon req/s)" "$(median $r BenchmarkSignedIn/static req/s)" "req/s"
r=$out/restart.txt
row "4 warm restart to first 200 (base exec help)" "$(median $r BenchmarkColdStart/restart-first-200-render ns/op | awk '{print $1/1e6}')" "$(median $r BenchmarkColdStart/restart-first-200 ns/op | awk '{print $1/1e6}')" "$(median $r BenchmarkColdStart/exec-help ns/op | awk '{print $1/1e6}')" "ms"
