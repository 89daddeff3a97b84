# lib.sh: helpers for the CLI tests (sourced). Each check prints "ok - NAME" or
# "not ok - NAME" with a diagnostic; tests/run.sh counts the lines.
# $PQX is the binary under test; $PQX_WRAP may prefix it (valgrind).
: "${PQX:=$(pwd)/build/pqx}"
T_FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pqx() { $PQX_WRAP "$PQX" "$@"; }

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; T_FAILED=1; }

# run CMD...: runs a command, keeps its stdout, stderr and status in OUT, ERR, RC
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

check_rc() { # NAME WANT
	if [ "$RC" -eq "$2" ]; then ok "$1"; else not_ok "$1" "exit status $RC, want $2" "stderr: $(printf '%s' "$ERR" | head -5)"; fi
}

check_contains() { # NAME HAYSTACK NEEDLE
	case "$2" in
	*"$3"*) ok "$1" ;;
	*) not_ok "$1" "missing: $3" "in: $(printf '%s' "$2" | head -8)" ;;
	esac
}

check_not_contains() { # NAME HAYSTACK NEEDLE
	case "$2" in
	*"$3"*) not_ok "$1" "unexpected: $3" ;;
	*) ok "$1" ;;
	esac
}

check_eq() { # NAME GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

done_testing() { exit $T_FAILED; }
