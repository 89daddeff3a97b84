#!/bin/sh
# test_fuzz.sh: the libFuzzer targets (fuzz/) keep building and stay clean on
# their seed corpora and on the saved inputs of past findings
# (tests/fixtures/fuzz/TARGET/): each target runs once over them (-runs=0).
# Needs clang with its fuzzer and sanitizer runtime (sh tools/deps.sh fuzz);
# without it every check is skipped, saying so. The fuzzing itself (make fuzz)
# is not part of the suite: it takes minutes per target.
. tests/cli/lib.sh
FB=${FUZZ_BUILD:-build-fuzz}
TARGETS="decode select text page"

if ! sh fuzz/toolchain.sh clang 2>"$TMP/why"; then
	why=$(head -1 "$TMP/why")
	for t in $TARGETS; do
		ok "fuzz-$t builds and runs its seeds # skip $why"
	done
	done_testing
fi

run make -s FUZZ_BUILD="$FB" fuzz-build
check_rc "make fuzz-build builds the targets and the seed corpora" 0
for t in $TARGETS; do
	if [ ! -x "$FB/fuzz-$t" ]; then
		not_ok "fuzz-$t is built" "missing: $FB/fuzz-$t"
		continue
	fi
	n=$(find "$FB/seeds/$t" -type f | wc -l)
	if [ "$n" -lt 10 ]; then
		not_ok "fuzz-$t has a seed corpus" "only $n files in $FB/seeds/$t"
	fi
	run env FUZZ_BUILD="$FB" sh fuzz/run.sh --seeds "$t"
	if [ "$RC" -eq 0 ]; then
		ok "fuzz-$t runs its $n seeds clean"
	else
		not_ok "fuzz-$t runs its $n seeds clean" "$(printf '%s' "$OUT" | tail -2)" \
		  "$(grep -m3 -E 'ERROR|invariant|runtime error' "$FB/logs/$t-seeds.log")"
	fi
	# the minimised inputs of past findings, each once
	set -- tests/fixtures/fuzz/"$t"/*
	if [ -f "$1" ]; then
		run "$FB/fuzz-$t" -runs=1 "$@"
		if [ "$RC" -eq 0 ]; then
			ok "fuzz-$t: the $# saved finding(s) stay fixed"
		else
			not_ok "fuzz-$t: the $# saved finding(s) stay fixed" \
			  "$(printf '%s' "$ERR" | grep -m3 -E 'ERROR|invariant|runtime error|Running')"
		fi
	fi
done
done_testing
