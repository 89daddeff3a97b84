#!/bin/sh
# run.sh [--seeds] [TARGET...]: runs the libFuzzer targets built by
# `make fuzz-build` (decode select text page by default), one after the other,
# each for FUZZ_SECONDS (default 60) under nice, and prints per target the
# executions, exec/s, libFuzzer's coverage (cov: edges, ft: features), the
# corpus size and the findings. Inputs that add coverage are kept in
# $FUZZ_BUILD/corpus/TARGET (so runs build on each other), findings (crash-*,
# leak-*, timeout-*, oom-*) go to $FUZZ_BUILD/findings/TARGET, the whole
# libFuzzer output to $FUZZ_BUILD/logs/TARGET.log (TARGET-seeds.log for --seeds).
# --seeds: run each target once over its seed corpus only (-runs=0), as the
# test suite does to keep the targets compiling and the seeds clean.
# Exit status: 0 no finding, 1 a finding or a target that did not run.
set -u
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-fuzz}
SECS=${FUZZ_SECONDS:-60}
seeds_only=0
if [ "${1:-}" = "--seeds" ]; then
	seeds_only=1
	shift
fi
[ $# -gt 0 ] || set -- decode select text page
mkdir -p "$B/logs"
# libFuzzer takes one dictionary: the selector target gets both
cat fuzz/selector.dict fuzz/html.dict >"$B/select.dict"

# per-target options: the largest input, the dictionary, the time one input may take
opts_for() {
	case $1 in
	decode) echo "-max_len=2048 -dict=fuzz/html.dict -timeout=10" ;;
	select) echo "-max_len=2048 -dict=$B/select.dict -timeout=10" ;;
	text)   echo "-max_len=8192 -dict=fuzz/html.dict -timeout=10" ;;
	page)   echo "-max_len=65536 -dict=fuzz/html.dict -timeout=30 -rss_limit_mb=4096" ;;
	*) return 1 ;;
	esac
}

status=0
printf '%-7s %12s %8s %7s %7s %7s %s\n' target execs exec/s cov ft corpus findings
for t in "$@"; do
	bin=$B/fuzz-$t
	opts=$(opts_for "$t") || { echo "run.sh: unknown target '$t' (decode select text page)" >&2; status=1; continue; }
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin is not built (make fuzz-build)" >&2
		status=1
		continue
	fi
	log=$B/logs/$t.log
	[ "$seeds_only" = 1 ] && log=$B/logs/$t-seeds.log
	find=$B/findings/$t
	corpus=$B/corpus/$t
	mkdir -p "$find" "$corpus"
	before=$(find "$find" -type f | wc -l)
	if [ "$seeds_only" = 1 ]; then
		# shellcheck disable=SC2086
		"$bin" $opts -runs=0 -print_final_stats=1 -artifact_prefix="$find/" "$B/seeds/$t" >"$log" 2>&1
	else
		# shellcheck disable=SC2086
		nice -n 10 "$bin" $opts -max_total_time="$SECS" -print_final_stats=1 \
		  -artifact_prefix="$find/" "$corpus" "$B/seeds/$t" >"$log" 2>&1
	fi
	rc=$?
	after=$(find "$find" -type f | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	last=$(grep -a -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	new=$((after - before))
	if [ "$new" -gt 0 ] || [ "$rc" -ne 0 ]; then
		status=1
		what=$(grep -a -m1 -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant failed|.*runtime error:)' "$log")
		findings="$new: ${what:-exit status $rc, see $log}"
	else
		findings=0
	fi
	printf '%-7s %12s %8s %7s %7s %7s %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
	  "${corp:-?}" "$findings"
	if [ "$new" -gt 0 ]; then
		ls -t "$find" | head -n "$new" | sed "s|^|        $find/|"
	fi
done
exit $status
