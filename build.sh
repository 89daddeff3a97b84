#!/bin/sh
# build.sh: the two entry points of the README on a fresh Debian 12 machine.
#   sh build.sh          install missing packages (as root), build pqx, run the example
#   sh build.sh test     install missing packages (as root), build, run the whole test suite
set -eu
cd "$(dirname "$0")"
sh tools/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
case "${1:-example}" in
example)
	make -s -j"$jobs" build/pqx
	echo "== build/pqx run --format json scripts/be-senate.lua examples/be-senate/5-8916.html" >&2
	exec build/pqx run --format json scripts/be-senate.lua examples/be-senate/5-8916.html
	;;
test)
	make -s -j"$jobs" build/pqx unit
	exec make -s test
	;;
*)
	echo "usage: sh build.sh [example|test]" >&2
	exit 2
	;;
esac
