#!/bin/sh
# bench.sh: how fast pqx runs scripts over many pages, and how much memory it
# needs. A measurement, never a pass/fail test. Usage: sh tools/bench.sh [PQX]
set -eu
PQX=${1:-build/pqx}
N=${N:-1000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for site in be-senate uk-lords fr-an nz de-bundestag; do
	[ -f "scripts/$site.lua" ] || continue
	mkdir -p "$tmp/$site"
	i=0
	pages=$(ls examples/$site/*.html)
	count=$(echo "$pages" | wc -l)
	while [ $i -lt "$N" ]; do
		for p in $pages; do
			cp "$p" "$tmp/$site/p$i-$(basename "$p")"
			i=$((i + 1))
		done
	done
	bytes=$(cat "$tmp/$site"/*.html | wc -c)
	start=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%M" -o "$tmp/rss" "$PQX" run -q --format none "scripts/$site.lua" "$tmp/$site" || true
		rss=$(cat "$tmp/rss")
	else
		"$PQX" run -q --format none "scripts/$site.lua" "$tmp/$site" || true
		rss="?"
	fi
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v n="$i" -v b="$bytes" -v r="$rss" -v site="$site" -v c="$count" 'BEGIN {
		t = e - s
		printf "%-13s %5d pages (%d distinct)  %6.2f s  %7.0f pages/s  %6.1f MB/s  peak RSS %s kB\n", site, n, c, t, n / t, b / t / 1e6, r
	}'
	rm -rf "$tmp/$site"
done
# the database path: the Senate page into SQLite, fresh and re-run
mkdir -p "$tmp/db"
i=0
while [ $i -lt 500 ]; do
	LC_ALL=C sed "s/5-8916/5-$((10000 + i))/g" examples/be-senate/5-8916.html >"$tmp/db/p$i.html"
	i=$((i + 1))
done
for pass in fresh re-run; do
	start=$(date +%s.%N)
	"$PQX" run -q --format none --db "$tmp/q.db" scripts/be-senate.lua "$tmp/db"
	end=$(date +%s.%N)
	awk -v s="$start" -v e="$end" -v p="$pass" 'BEGIN { printf "be-senate --db %-7s 500 pages  %6.2f s  %7.0f pages/s\n", p, e - s, 500 / (e - s) }'
done
