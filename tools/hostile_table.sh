#!/bin/sh
# hostile_table.sh [PQX]: measures what each case of issue 11 does on this build
# and prints README's hostile-page table (markdown): exit code, the message (its
# first line, temporary paths shortened), wall-clock seconds and peak RSS of the
# whole process tree (GNU time). A measurement, not a test: the tests that hold
# each behaviour are named in the last column. Needs python3, sqlite3 and
# /usr/bin/time; takes a few minutes (the timeouts are waited for).
set -u
PQX=${1:-build/pqx}
case $PQX in /*) ;; *) PQX=$(pwd)/$PQX ;; esac
H=tests/fixtures/hostile
F=tests/fixtures/cli
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
P=$T/p
python3 $H/pages.py "$P"
for c in metatables gccall coroutine wrap finalizer hidden indexloop luafind refind bigjson \
         patch after after_2 hang extra plain plain_2 plain_3; do
	printf '<html><head><title>T</title></head><body><p>hello  world</p></body></html>' >"$P/$c.html"
done
cp "$P/plain.html" "$P/gsub.html"
cp "$P/plain.html" "$P/match.html"
python3 - "$P" <<'PY'
import sys
d = sys.argv[1]
def w(name, body):
    with open("%s/%s.html" % (d, name), "w") as f:
        f.write("<html><body>" + body + "</body></html>")
text = ("x" * 79 + " ") * (1000000 // 80)
w("contains", "<div>" * 3990 + text + "</div>" * 3990)
w("siblings", "<p>" + "<i>x</i>" * 100000 + "</p>")
w("controls", "a\x01b\x7fc\x85d\x9fe")
PY
B="--timeout 2 --max-instructions 10000000"

# row CASE CMD...: runs CMD under GNU time, prints one table row
row() {
	label=$1; shift
	/usr/bin/time -f '%e %M' -o "$T/time" timeout 120 "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -- $(tail -1 "$T/time")
	secs=$1; mb=$(( ($2 + 1023) / 1024 ))
	msg=$(grep -v -e '^pqx: [0-9]* pages*:' -e '^pqx: [0-9]* pages* in ' "$T/err" | grep -v '^  *' | head -1 |
		sed -e "s|$P/||g" -e "s|$T/||g" -e 's|^pqx: ||' -e 's/|/\\|/g' | cut -c1-150)
	[ -n "$msg" ] || msg="(stdout) $(head -c 100 "$T/out" | tr '\n' ' ' | sed 's/|/\\|/g')"
	printf '| %s | %s | %s | %s | %s MB |\n' "$label" "$rc" "$msg" "$secs" "$mb"
}

echo '| case | exit | message (first line) or output | s | peak RSS |'
echo '|---|---|---|---|---|'
row "1 getmetatable(sel).__gc(sel)" "$PQX" run $B $H/hostile.lua "$P/gccall.html"
row "1 metatables of doc, node, selector, regex, list" "$PQX" run $B $H/hostile.lua "$P/metatables.html"
row "2 top-level while true do end" "$PQX" run $B $H/loadloop.lua "$P/plain.html"
row "2 coroutine made at load, resumed in extract" "$PQX" run $B $H/hostile.lua "$P/coroutine.html"
row "2 __gc finalizer that loops" "$PQX" run $B $H/loadgc.lua "$P/plain.html"
row "2 record whose __index loops" "$PQX" run $B $H/hostile.lua "$P/indexloop.html"
row "3 s:find(('a*'):rep(30)..'c')" "$PQX" run $B $H/hostile.lua "$P/luafind.html"
row "3 s:gsub('.-x', '') on 300 kB" "$PQX" run $B $H/cpu.lua "$P/gsub.html"
row "3 s:match('.-.-b') on 300 kB" "$PQX" run $B $H/cpu.lua "$P/match.html"
row "3 pqx.re.find(('a'):rep(200000), '[a-z]*[0-9]')" "$PQX" run $B $H/hostile.lua "$P/refind.html"
row "3 div:pqx-contains('zzz'), 3,990 nested divs, 1 MB" "$PQX" run $B $H/selectors.lua "$P/contains.html"
row "3 i:has(~ nope), 100,000 siblings" "$PQX" run $B $H/selectors.lua "$P/siblings.html"
for n in svg svg-slash-value svg-title svg-style svg-script svg-plaintext math-mtext comment-abrupt \
         quoted-attr template div spans; do
	row "4 100,000 levels: $n" "$PQX" run $F/titles.lua "$P/$n.html"
done
row "4 300,000 end tags under 3,990 levels" "$PQX" run $F/titles.lua "$P/deep-tags.html"
row "4 100,000 paragraphs under 3,990 levels" "$PQX" run $F/titles.lua "$P/deep-paras.html"
row "4 100,000 paragraphs under 200 levels" "$PQX" run $F/titles.lua "$P/shallow-tags.html"
for n in style script-escaped plaintext comment attr-value svg-selfclosing; do
	row "4 text, not nesting: $n" "$PQX" run $H/depth.lua "$P/$n.html"
done
row "5 100,000 attributes on one element" "$PQX" run $F/titles.lua "$P/attributes.html"
row "5 the same inside an SVG <style>" "$PQX" run $F/titles.lua "$P/attributes-svg-style.html"
row "5 a 17 MB attribute value" "$PQX" run $F/titles.lua "$P/attribute-bytes.html"
row "6 authors and dates only behind __index" "$PQX" run $B $H/hostile.lua "$P/hidden.html"
row "7 /dev/zero as a page" "$PQX" run $F/titles.lua /dev/zero
mkfifo "$T/fifo"
row "7 a FIFO as a page" "$PQX" run $F/titles.lua "$T/fifo"
truncate -s 100M "$T/big.html"
row "7 a 100 MB page (--max-bytes 64M)" "$PQX" run $F/titles.lua "$T/big.html"
row "7 yes PAGE \| head -n 500 \| pqx run - (records)" sh -c "yes '$P/plain.html' | head -n 500 | '$PQX' run -q $F/titles.lua - | wc -l"
mkdir -p "$T/L/d" && cp "$P/plain.html" "$T/L/d/" && ln -s . "$T/L/d/a" && ln -s .. "$T/L/d/b"
row "8 directory with a -> . and b -> .. (1 page)" "$PQX" run $F/titles.lua "$T/L/d"
row "9 -j 2: hang, long C call, 3 good pages" "$PQX" run -j 2 --timeout 1 $H/hostile.lua "$P/hang.html" "$P/luafind.html" "$P/plain.html" "$P/plain_2.html" "$P/plain_3.html"
row "9 -j 1: good, hang, good" "$PQX" run $B $H/hostile.lua "$P/plain.html" "$P/hang.html" "$P/plain_2.html"
"$PQX" run -j 1 $B $H/hostile.lua "$P/patch.html" "$P/after.html" "$P/after_2.html" >"$T/j1" 2>/dev/null
"$PQX" run -j 2 $B $H/hostile.lua "$P/patch.html" "$P/after.html" "$P/after_2.html" >"$T/j2" 2>/dev/null
same=$(cmp -s "$T/j1" "$T/j2" && echo "byte-identical" || echo "DIFFERENT")
row "10 page 1 patches the library (-j 1 and -j 2: $same)" "$PQX" run -j 1 $B $H/hostile.lua "$P/patch.html" "$P/after.html"
row "10 the same in pqx test (fresh state per page)" "$PQX" test --examples $H/inprocess $H/inprocess.lua
row "11 20 MB string to JSON, --max-memory 64M" "$PQX" run --max-memory 64M $H/hostile.lua "$P/bigjson.html"
row "12 5,000 unclosed <a href> links" "$PQX" run $H/depth.lua "$P/links.html"
row "12 5,000 nested <table>s" "$PQX" run $H/depth.lua "$P/tables.html"
row "12 20,000 rows of unclosed <td><font>" "$PQX" run $H/depth.lua "$P/cells.html"
row "13 ctx.replaced for 0x01, 0x7F, 0x85, 0x9F" "$PQX" run --encoding utf-8 $F/titles.lua "$P/controls.html"
sqlite3 "$T/v.db" 'PRAGMA user_version = -1;' 2>/dev/null
row "13 PRAGMA user_version = -1" "$PQX" run --db "$T/v.db" scripts/be-senate.lua examples/be-senate/5-8916.html
row "13 extra with a protected metatable" "$PQX" run $B $H/hostile.lua "$P/extra.html"
for probe in io debug package dofile binary requirepath; do
	row "held: sandbox, $probe" "$PQX" run $F/sandbox.lua $F/page-$probe.html
done
row "held: while true (with pcall) in extract" "$PQX" run --max-instructions 10000000 $F/budget.lua $F/page-loop.html
row "held: growing a table (with pcall)" "$PQX" run --max-memory 64M $F/budget.lua $F/page-memory.html
head -c 100000 /dev/urandom >"$T/garbage.db"
before=$(cksum <"$T/garbage.db")
row "held: a garbage database" "$PQX" run --db "$T/garbage.db" scripts/be-senate.lua examples/be-senate/5-8916.html
[ "$(cksum <"$T/garbage.db")" = "$before" ] && g=unchanged || g=CHANGED
sqlite3 "$T/new.db" 'PRAGMA user_version = 99;' 2>/dev/null
before=$(cksum <"$T/new.db")
row "held: a database of a newer schema" "$PQX" run --db "$T/new.db" scripts/be-senate.lua examples/be-senate/5-8916.html
[ "$(cksum <"$T/new.db")" = "$before" ] && n=unchanged || n=CHANGED
echo "| held: the two files above afterwards | | garbage: $g, newer schema: $n (cksum) | | |"
"$PQX" run -q --format none --db "$T/l.db" scripts/be-senate.lua examples/be-senate/5-8916.html
python3 -c "
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('BEGIN EXCLUSIVE')
time.sleep(8)
" "$T/l.db" &
sleep 1
row "held: a database locked by another process" "$PQX" run --db "$T/l.db" scripts/be-senate.lua examples/be-senate/5-8916.html
wait
# kill -9 at random moments of a 300-page --db run, then the checks
mkdir -p "$T/many"
i=0
while [ $i -lt 300 ]; do
	LC_ALL=C sed "s/5-8916/5-$((10000 + i))/g" examples/be-senate/5-8916.html >"$T/many/p$i.html"
	i=$((i + 1))
done
bad=0 runs=8 k=0 lo=300 hi=0
while [ $k -lt $runs ]; do
	rm -f "$T/k.db" "$T/k.db-wal" "$T/k.db-shm"
	"$PQX" run -q --format none --db "$T/k.db" scripts/be-senate.lua "$T/many" 2>/dev/null &
	pid=$!
	sleep "0.$(( (k * 37) % 9 + 1 ))"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	q() { sqlite3 "$T/k.db" "$1" 2>&1; }
	n=$(q 'select count(*) from question')
	[ "$n" -lt $lo ] && lo=$n
	[ "$n" -gt $hi ] && hi=$n
	[ "$(q 'PRAGMA integrity_check')" = ok ] || bad=$((bad + 1))
	[ -z "$(q 'PRAGMA foreign_key_check')" ] || bad=$((bad + 1))
	[ "$(q "insert into question_fts(question_fts) values('integrity-check'); select 'ok'")" = ok ] || bad=$((bad + 1))
	[ "$(q 'select count(*) from question_fts')" = "$n" ] || bad=$((bad + 1))
	[ "$(q 'select count(*) from question q where (select count(*) from question_keyword k where k.question_id = q.id) <> 5')" = 0 ] ||
		bad=$((bad + 1))
	k=$((k + 1))
done
row "held: kill -9 at $runs moments of a 300-page --db run ($lo-$hi pages stored; integrity, foreign keys, FTS, whole pages: $bad failed checks); the re-run" \
	sh -c "'$PQX' run -q --format none --db '$T/k.db' scripts/be-senate.lua '$T/many' && sqlite3 '$T/k.db' 'select count(*) from question'"
