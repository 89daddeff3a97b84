#!/bin/sh
# seeds.sh DIR: collects the seed corpora of the fuzz targets into DIR/<target>/
# from examples/, tests/fixtures/ and fuzz/seeds/ (rebuilt from scratch each time).
# Pages are cut to their first 64 kB, past what the targets read (-max_len).
# The pipeline target's inputs start with one byte that picks the script (see
# fuzz/fuzz_page.c): 0 is fuzz/generic.lua, 1.. the scripts/*.lua in C order.
set -eu
cd "$(dirname "$0")/.."
out=${1:?usage: seeds.sh DIR}
rm -rf "$out"
mkdir -p "$out/decode" "$out/select" "$out/text" "$out/page"
LC_ALL=C
export LC_ALL

pages=$(find examples tests/fixtures -type f \( -name '*.html' -o -name '*.htm' \) | sort)
n=0
for f in $pages; do
	n=$((n + 1))
	# decode: control byte 0 (nothing declared), then the page
	{ printf '\000'; head -c 65536 "$f"; } >"$out/decode/page-$n"
	head -c 65536 "$f" >"$out/text/page-$n"
done
# the encoding fixtures also under an override, a transport label and both
for f in tests/fixtures/encoding/*.html; do
	b=$(basename "$f" .html)
	{ printf '\025'; cat "$f"; } >"$out/decode/$b-override-w1252"
	{ printf '\266'; cat "$f"; } >"$out/decode/$b-transport-ctype"
	{ printf '\237'; cat "$f"; } >"$out/decode/$b-both-utf16le"
	{ printf '\211'; cat "$f"; } >"$out/decode/$b-override-sjis"
done

# select: the hand-written selectors alone (against the fixed page), and each
# of them over a few small pages after a NUL byte
small=$(find examples tests/fixtures -type f -name '*.html' -size -6k | sort | head -12)
for s in fuzz/seeds/selector/*; do
	[ -f "$s" ] || continue
	b=$(basename "$s")
	cp "$s" "$out/select/$b"
	k=0
	for f in $small; do
		k=$((k + 1))
		{ cat "$s"; printf '\000'; cat "$f"; } >"$out/select/$b-page-$k"
	done
done

# page: the example pages of each script under that script's byte, and every
# small page under the generic script (byte 0)
i=0
for s in scripts/*.lua; do
	i=$((i + 1))
	site=$(basename "$s" .lua)
	[ -d "examples/$site" ] || continue
	byte=$(printf '\\%03o' "$i")
	for f in examples/"$site"/*.html; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le 65536 ] || continue
		# shellcheck disable=SC2059
		{ printf "$byte"; cat "$f"; } >"$out/page/$site-$(basename "$f" .html)"
	done
done
n=0
for f in $pages; do
	n=$((n + 1))
	[ "$(wc -c <"$f")" -le 65536 ] || continue
	{ printf '\000'; cat "$f"; } >"$out/page/generic-$n"
done
for t in decode select text page; do
	echo "seeds: $t $(find "$out/$t" -type f | wc -l) files, $(du -sk "$out/$t" | cut -f1) kB"
done
