#!/bin/sh
# bench.sh: pqx end to end against the floor of bare gumbo parsing (make bench).
# A measurement, never a pass/fail test: it fails only when the records are wrong or a
# program cannot run. Usage: sh tools/bench/bench.sh BUILD_DIR
#   BENCH_PAGES (1000)  pages in the generated corpus
#   BENCH_RUNS  (3)     runs of each configuration; the table shows median and min
#   BENCH_SEED          generator seed (fixed by default: the same corpus every time)
# Each configuration is one process over all pages (-j 2: one parent, two workers),
# timed by /usr/bin/time: CPU = user + sys of the process and its children.
set -eu
BUILD=${1:-build}
PQX=$BUILD/pqx
PAGES=${BENCH_PAGES:-1000}
RUNS=${BENCH_RUNS:-3}
SEED=${BENCH_SEED:-20130430}
for f in "$PQX" "$BUILD/bench-gen" "$BUILD/bench-floor"; do
	[ -x "$f" ] || { echo "bench: $f is missing (run it through make bench)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (Debian package time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
corpus=$tmp/corpus
"$BUILD/bench-gen" "$corpus" "$PAGES" "$SEED"
ls "$corpus"/*.html >"$tmp/list"
bytes=$(cat "$corpus"/*.html | wc -c)
echo "corpus: $PAGES pages, $((bytes / 1000)) kB (seed $SEED); $RUNS runs per row; $(nproc) cores" >&2

# the records first: every figure below is of a run that extracts the right thing
"$PQX" run -q scripts/be-senate.lua "$corpus" >"$tmp/records.jsonl"
python3 tools/bench/check.py "$corpus/manifest.tsv" <"$tmp/records.jsonl"
"$PQX" run -q -j 2 scripts/be-senate.lua "$corpus" | cmp -s - "$tmp/records.jsonl" ||
	{ echo "bench: -j 2 gives other records than -j 1" >&2; exit 1; }

# measure NAME COMMAND...: RUNS timed runs, one line "name cpu wall rss" each into $tmp/times
measure() {
	name=$1
	shift
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		[ "$name" = db-rerun ] || rm -f "$tmp/q.db" "$tmp/q.db-wal" "$tmp/q.db-shm"
		/usr/bin/time -f "%U %S %e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" ||
			{ echo "bench: $name failed:" >&2; cat "$tmp/err" >&2; exit 1; }
		awk -v n="$name" '{ printf "%s %.3f %.3f %d\n", n, $1 + $2, $3, $4 }' "$tmp/t" >>"$tmp/times"
		i=$((i + 1))
	done
}
: >"$tmp/times"
measure floor "$BUILD/bench-floor" "$corpus"/*.html
measure parse-only "$PQX" run -q --format none tools/bench/noop.lua "$corpus"
measure extract "$PQX" run -q --format jsonl scripts/be-senate.lua "$corpus"
# the same with two workers: wall seconds against extract's show how -j scales
measure j2-extract "$PQX" run -q -j 2 --format jsonl scripts/be-senate.lua "$corpus"
measure db "$PQX" run -q --format none --db "$tmp/q.db" scripts/be-senate.lua "$corpus"
measure j2-db "$PQX" run -q -j 2 --format none --db "$tmp/q.db" scripts/be-senate.lua "$corpus"
# the incremental re-run: the database the last run left, every page unchanged (skipped)
measure db-rerun "$PQX" run -q --db "$tmp/q.db" scripts/be-senate.lua "$corpus"

# one page from a cold start: wall milliseconds of a whole pqx run on one page, 20 runs
# timed by the clock of python3 (which check.py needs anyway): /usr/bin/time's %e
# counts in 10 ms steps, too coarse for a run of about that length
one=$(head -n 1 "$tmp/list")
python3 - "$PQX" run -q scripts/be-senate.lua "$one" >"$tmp/cold" <<'PY'
import os, sys, time
devnull = os.open(os.devnull, os.O_WRONLY)
for _ in range(20):
    t0 = time.perf_counter()
    pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
    os.waitpid(pid, 0)
    print("%.3f" % ((time.perf_counter() - t0) * 1000))
PY

printf '%-11s %8s %8s %8s %8s %9s %8s %8s\n' config "cpu med" "cpu min" "wall med" "wall min" "pages/s" "x floor" "rss MB"
awk -v pages="$PAGES" '
	{ n[$1]++; cpu[$1, n[$1]] = $2; wall[$1, n[$1]] = $3; if ($4 > rss[$1]) rss[$1] = $4
	  if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
	function med(a, name, c,   i, j, t, v) {
		for (i = 1; i <= c; i++) v[i] = a[name, i]
		for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return c % 2 ? v[(c + 1) / 2] : (v[c / 2] + v[c / 2 + 1]) / 2
	}
	function mini(a, name, c,   i, m) { m = a[name, 1]; for (i = 2; i <= c; i++) if (a[name, i] < m) m = a[name, i]; return m }
	END {
		floor = med(cpu, "floor", n["floor"])
		for (i = 1; i <= k; i++) {
			s = order[i]; c = n[s]
			printf "%-11s %8.2f %8.2f %8.2f %8.2f %9.0f %8.2f %8.1f\n", s, med(cpu, s, c), mini(cpu, s, c),
				med(wall, s, c), mini(wall, s, c), pages / med(wall, s, c), med(cpu, s, c) / floor, rss[s] / 1024
		}
		printf "-j 2 against -j 1 (extract, wall median): %.2fx the pages per second\n",
			med(wall, "extract", n["extract"]) / med(wall, "j2-extract", n["j2-extract"])
	}' "$tmp/times"
sort -n "$tmp/cold" | awk '{ v[NR] = $1 } END { printf "cold start, one page: %.1f ms median, %.1f ms min (%d runs)\n", (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], NR }'
