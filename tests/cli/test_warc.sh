#!/bin/sh
# test_warc.sh: web archives as input. Archives written by the real
# `wget --warc-file` from a local server (tests/warc_server.py), and hand-made
# ones for the broken cases (tests/warc_make.py), checked record by record.
. "$(dirname "$0")/lib.sh"
S=scripts/be-senate.lua
C=tests/fixtures/warc/ctx.lua
E=examples/be-senate
H=$TMP/hm
mkdir -p "$H"

# jf FILE LINE KEY: a field of the LINE-th JSON line of FILE
jf() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[int(sys.argv[2]) - 1])[sys.argv[3]])' "$@"; }

# --- a crawl by wget, from a server on a free port of 127.0.0.1
SRV=""
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$TMP"' EXIT
python3 tests/warc_server.py examples >"$TMP/port" 2>"$TMP/server.err" &
SRV=$!
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(head -1 "$TMP/port")
B="http://127.0.0.1:$PORT"
URLS="$B/be-senate/5-8916.html $B/header-charset/5-8916.html $B/chunked-gzip/be-senate/5-8916-fr.html
$B/no-type/be-senate/5-8916-unanswered.html $B/redirect $B/style.css $B/missing.html"
# shellcheck disable=SC2086
(cd "$TMP" && wget -q --tries=1 --warc-file=crawl -O /dev/null $URLS)
# shellcheck disable=SC2086
(cd "$TMP" && wget -q --tries=1 --warc-file=plain --no-warc-compression -O /dev/null $URLS)
kill "$SRV" 2>/dev/null
wait "$SRV" 2>/dev/null
SRV=""
if [ -s "$TMP/crawl.warc.gz" ] && [ -s "$TMP/plain.warc" ]; then ok "wget wrote crawl.warc.gz and plain.warc"
else not_ok "wget wrote crawl.warc.gz and plain.warc" "port: $PORT" "$(cat "$TMP/server.err")"; fi

# the same pages as files, in the order of the crawl (the redirect lands on 5-8916)
pqx run $S $E/5-8916.html $E/5-8916.html $E/5-8916-fr.html $E/5-8916-unanswered.html $E/5-8916.html \
	>"$TMP/files.jsonl" 2>/dev/null
run pqx run $S "$TMP/crawl.warc.gz"
check_rc "a wget archive runs" 0
printf '%s\n' "$OUT" >"$TMP/crawl.jsonl"
check_eq "its records equal those of the same pages as files" "$(cmp "$TMP/crawl.jsonl" "$TMP/files.jsonl" && echo same)" "same"
check_contains "skipped records counted by kind" "$ERR" \
	"pqx: web archive: 1 read, 20 records: 5 HTML pages, 0 unreadable, 15 skipped (8 request, 1 warcinfo, 1 metadata, 2 other type, 2 HTTP status not 200, 1 not HTML)"
check_contains "the page summary counts HTML pages only" "$ERR" "pqx: 5 pages: 5 ok, 0 failed; 5 records"
run pqx run $S "$TMP/plain.warc"
check_eq "an uncompressed archive gives the same records" "$(printf '%s\n' "$OUT" | cmp - "$TMP/files.jsonl" && echo same)" "same"

run pqx run $C "$TMP/crawl.warc.gz"
printf '%s\n' "$OUT" >"$TMP/ctx.jsonl"
check_eq "ctx.url is WARC-Target-URI" "$(jf "$TMP/ctx.jsonl" 1 url)" "$B/be-senate/5-8916.html"
check_eq "doc.url is the same" "$(jf "$TMP/ctx.jsonl" 1 doc_url)" "$B/be-senate/5-8916.html"
F=$(jf "$TMP/ctx.jsonl" 1 fetched)
DATE=$(gzip -dc "$TMP/crawl.warc.gz" | tr -d '\r' | awk '/^WARC-Type: response/ {r = 1} r && /^WARC-Date: / {print $2; exit}')
check_eq "ctx.fetched is the record's WARC-Date" "$F" "$DATE"
case "$F" in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*Z) ok "ctx.fetched is ISO 8601 UTC" ;;
*) not_ok "ctx.fetched is ISO 8601 UTC" "got $F" ;;
esac
OFF=$(jf "$TMP/ctx.jsonl" 1 path | sed 's/.*#//')
check_eq "ctx.path is ARCHIVE#OFFSET" "$(jf "$TMP/ctx.jsonl" 1 path)" "$TMP/crawl.warc.gz#$OFF"
check_eq "the offset is where the record's gzip member starts" \
	"$(tail -c +$((OFF + 1)) "$TMP/crawl.warc.gz" | gzip -dc 2>/dev/null | head -c 8)" "WARC/1.0"
check_eq "a page with <meta> charset: meta" "$(jf "$TMP/ctx.jsonl" 1 source)" "meta"
check_eq "charset only in the HTTP header: encoding_source http" "$(jf "$TMP/ctx.jsonl" 2 source)" "http"
check_eq "charset only in the HTTP header: windows-1252" "$(jf "$TMP/ctx.jsonl" 2 encoding)" "windows-1252"
check_eq "chunked + gzip response undone" "$(jf "$TMP/ctx.jsonl" 3 text)" "L'honorable membre trouvera ci-dessous la réponse à ses questions."
check_eq "the decoded body's size" "$(jf "$TMP/ctx.jsonl" 3 bytes)" "$(wc -c <$E/5-8916-fr.html | tr -d ' ')"
check_eq "a response without Content-Type is sniffed as HTML" "$(jf "$TMP/ctx.jsonl" 4 url)" "$B/no-type/be-senate/5-8916-unanswered.html"

run pqx run --format json $S "$TMP/crawl.warc.gz"
check_eq "--format json: url, fetched, archive, record_offset of each page" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; p = json.load(sys.stdin)[0]; print(p["url"], p["fetched"], p["archive"], p["record_offset"], p["page"])')" \
	"$B/be-senate/5-8916.html $DATE $TMP/crawl.warc.gz $OFF $TMP/crawl.warc.gz#$OFF"

# a Landtag page that declares no charset (Schleswig-Holstein): the header's charset decides
python3 - "$TMP" <<'EOF'
import sys
sys.path.insert(0, "tests")
import warc_make as w
body = open("examples/de-sh/major_detail.html", "rb").read()
w.write_plain(sys.argv[1] + "/sh.warc", [w.response("http://lissh.lvn.parlanet.de/cgi-bin/starfinder/0", body,
                                                    ctype="text/html; charset=ISO-8859-1")], [])
EOF
run pqx run scripts/de-sh.lua "$TMP/sh.warc"
check_eq "de-sh from an archive: the records of the file" "$OUT" "$(pqx run scripts/de-sh.lua examples/de-sh/major_detail.html 2>/dev/null)"
run pqx run --format json scripts/de-sh.lua "$TMP/sh.warc"
check_eq "... decoded by the header's charset" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; p = json.load(sys.stdin)[0]; print(p["encoding"], p["encoding_source"])')" "windows-1252 http"

# whole-file gzip: one member, records named by their offset inside it
gzip -dc "$TMP/crawl.warc.gz" | gzip >"$TMP/whole.warc.gz"
run pqx run $C "$TMP/whole.warc.gz"
printf '%s\n' "$OUT" >"$TMP/whole.jsonl"
P=$(jf "$TMP/whole.jsonl" 1 path)
IN=${P##*+}
check_eq "whole-file gzip: ARCHIVE#0+INNER" "$P" "$TMP/whole.warc.gz#0+$IN"
check_eq "INNER is the record's offset in the uncompressed bytes" \
	"$(gzip -dc "$TMP/whole.warc.gz" | tail -c +$((IN + 1)) | head -c 8)" "WARC/1.0"
run pqx run $S "$TMP/whole.warc.gz"
check_eq "whole-file gzip gives the same records" "$(printf '%s\n' "$OUT" | cmp - "$TMP/files.jsonl" && echo same)" "same"

# one record by its name, as messages give it
run pqx run $C "$TMP/crawl.warc.gz#$OFF"
check_rc "ARCHIVE#OFFSET runs that record alone" 0
check_eq "... the same page" "$(printf '%s\n' "$OUT")" "$(head -1 "$TMP/ctx.jsonl")"
run pqx run $C "$TMP/whole.warc.gz#0+$IN"
check_eq "ARCHIVE#MEMBER+OFFSET too" "$(printf '%s\n' "$OUT")" "$(head -1 "$TMP/whole.jsonl")"
run pqx run $C "$TMP/crawl.warc.gz#$((OFF + 1))"
check_rc "an offset where no record starts: exit 3" 3
check_contains "... says so" "$ERR" "crawl.warc.gz#$((OFF + 1)): unreadable WARC record: the bytes at offset $((OFF + 1)) are not a gzip member"
run pqx run $C "$TMP/crawl.warc.gz#99999999"
check_contains "an offset past the end" "$ERR" "crawl.warc.gz#99999999: offset 99999999 is past the end of the archive"

run sh -c "printf 'ctx.url\nctx.fetched\nctx.encoding_source\n' | '$PQX' repl $C '$TMP/crawl.warc.gz#$(sed -n 2p "$TMP/ctx.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["path"].split("#")[1])')'"
check_eq "pqx repl ARCHIVE#OFFSET: ctx.url, ctx.fetched, encoding_source http" "$OUT" \
	"$(printf '%s\n%s\n%s' "$B/header-charset/5-8916.html" "$(jf "$TMP/ctx.jsonl" 2 fetched)" http)"
run sh -c "echo .run | '$PQX' repl $C '$TMP/crawl.warc.gz#$OFF'"
check_contains "... and .run sees ctx.fetched" "$OUT" "\"fetched\": \"$DATE\""
run sh -c "echo 1 | '$PQX' repl '$TMP/crawl.warc.gz#0'"
check_contains "pqx repl on a record that is no page says so" "$ERR" "crawl.warc.gz#0: this record is not an HTML page"

# directories, page lists and -j
mkdir -p "$TMP/dir/sub"
cp "$TMP/crawl.warc.gz" "$TMP/dir/sub/"
cp $E/5-8916.html "$TMP/dir/"
run pqx run $S "$TMP/dir"
check_eq "a directory's archives are read with its pages" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "6"
run sh -c "echo '$TMP/plain.warc' | '$PQX' run $S -"
check_eq "an archive named on the page list" "$(printf '%s\n' "$OUT" | cmp - "$TMP/files.jsonl" && echo same)" "same"
run pqx run -j 2 $S "$TMP/crawl.warc.gz" "$TMP/plain.warc"
check_eq "-j 2 gives the records of -j 1, in order" \
	"$(printf '%s\n' "$OUT")" "$(cat "$TMP/files.jsonl" "$TMP/files.jsonl")"
check_contains "two archives counted together" "$ERR" "web archives: 2 read, 40 records: 10 HTML pages"

# --- the database: where every question came from
DB="$TMP/w.db"
q() { sqlite3 -batch -noheader "$DB" "$@"; }
run pqx run --format none --db "$DB" $S "$TMP/crawl.warc.gz"
check_rc "an archive into --db" 0
check_eq "page columns url, fetched, archive, record_offset" \
	"$(q "select url || '|' || fetched || '|' || archive || '|' || record_offset || '|' || coalesce(record_offset_in_member, 'NULL') from page where path = '$TMP/crawl.warc.gz#$OFF'")" \
	"$B/be-senate/5-8916.html|$DATE|$TMP/crawl.warc.gz|$OFF|NULL"
check_eq "encoding_source http stored" "$(q "select encoding_source from page where url like '%/header-charset/%'")" "http"
# the query of docs/schema.md
WHERE=$(q "SELECT q.id, p.url, p.fetched, p.archive, p.record_offset, p.record_offset_in_member
FROM question q JOIN page p ON p.id = q.page_id WHERE q.id = 'be-senate:5-8916';")
check_eq "where did this question come from" "$WHERE" "be-senate:5-8916|$B/be-senate/5-8916.html|$DATE|$TMP/crawl.warc.gz|$OFF|"
run pqx run --format none --db "$DB" $S "$TMP/whole.warc.gz"
check_eq "whole-file gzip: record_offset 0 and the offset in the member" \
	"$(q "select record_offset || '|' || record_offset_in_member from page where path = '$TMP/whole.warc.gz#0+$IN'")" "0|$IN"
run pqx run --format none --db "$DB" --base-url https://www.senate.be/ $S $E/5-8916-fr.html
run pqx run --format none --db "$DB" $S $E/5-8916-unanswered.html
check_eq "a file page: url is --base-url, no archive" \
	"$(q "select url || '|' || coalesce(fetched, 'NULL') || '|' || coalesce(archive, 'NULL') || '|' || coalesce(record_offset, 'NULL') from page where path = '$E/5-8916-fr.html'")" \
	"https://www.senate.be/|NULL|NULL|NULL"
check_eq "a file page without --base-url: url NULL" \
	"$(q "select coalesce(url, 'NULL') from page where path = '$E/5-8916-unanswered.html'")" "NULL"
check_eq "the provenance columns are there" \
	"$(q "select group_concat(name, ',') from (select name from pragma_table_info('page') where name in ('url','fetched','archive','record_offset','record_offset_in_member') order by name)")" \
	"archive,fetched,record_offset,record_offset_in_member,url"

# next week's crawl of the same URL revises the question: the source is the URL
python3 - "$TMP" <<'EOF'
import sys
sys.path.insert(0, "tests")
import warc_make as w
u = "https://www.example.org/q/1"
w.write_plain(sys.argv[1] + "/week1.warc", [w.response(u, b"<h1>1</h1><p>asked</p>", date="2024-01-03T00:00:00Z")], [])
w.write_plain(sys.argv[1] + "/week2.warc", [w.response(u, b"<h1>1</h1><p>asked</p><p class=answer>done</p>",
                                                       date="2024-02-10T00:00:00Z")], [])
EOF
DB="$TMP/weeks.db"
pqx run -q --format none --db "$DB" tests/fixtures/warc/q.lua "$TMP/week1.warc"
pqx run -q --format none --db "$DB" tests/fixtures/warc/q.lua "$TMP/week2.warc"
check_eq "two crawls of one URL: one source, named by the URL" "$(q "select kind || '|' || source from question_source")" "detail|https://www.example.org/q/1"
check_eq "... the second crawl revises the question" "$(q "select revision || '|' || status from question")" "2|answered"
check_eq "... which points at the second archive" \
	"$(q "select p.fetched || '|' || p.archive from question q join page p on p.id = q.page_id")" "2024-02-10T00:00:00Z|$TMP/week2.warc"
check_eq "... and its revision at the first" \
	"$(q "select p.fetched from question_revision r join page p on p.id = r.page_id")" "2024-01-03T00:00:00Z"

# --- hand-made archives
python3 tests/warc_make.py "$H"
offs() { awk -v f="$1" '$1 == f {print $0}' "$H/offsets.txt"; }

run pqx run $C "$H/mixed.warc"
check_rc "skipping is not failing" 0
check_contains "every kind of skipped record counted" "$ERR" \
	"13 records: 3 HTML pages, 0 unreadable, 10 skipped (1 request, 1 warcinfo, 1 metadata, 1 revisit, 1 other type, 1 not HTTP, 2 HTTP status not 200, 2 not HTML)"
check_eq "text/plain that looks like HTML, and a missing type, are pages" \
	"$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["text"] for l in sys.stdin))')" "one two three"
run pqx run -q $C "$H/mixed.warc"
check_not_contains "-q: no archive summary" "$ERR" "web archive"

run pqx run $C "$H/charset.warc"
printf '%s\n' "$OUT" >"$TMP/cs.jsonl"
check_eq "HTTP charset decodes (ISO-8859-15 0xA4 is the euro sign)" "$(jf "$TMP/cs.jsonl" 1 text)|$(jf "$TMP/cs.jsonl" 1 source)" "€ 100|http"
check_eq "the HTTP charset beats <meta>" "$(jf "$TMP/cs.jsonl" 2 encoding)|$(jf "$TMP/cs.jsonl" 2 source)" "ISO-8859-15|http"
check_eq "a BOM beats the HTTP charset" "$(jf "$TMP/cs.jsonl" 3 source)" "bom"
check_eq "declared windows-1252 but valid UTF-8: http-but-utf8" "$(jf "$TMP/cs.jsonl" 4 text)|$(jf "$TMP/cs.jsonl" 4 source)" "café|http-but-utf8"
check_contains "... with a warning naming the record" "$ERR" "charset.warc#1244: warning: declared charset \"windows-1252\" but the page is valid UTF-8"
check_eq "Content-Type without charset: <meta> decides" "$(jf "$TMP/cs.jsonl" 5 source)" "meta"
run pqx run --encoding windows-1252 $C "$H/charset.warc"
printf '%s\n' "$OUT" >"$TMP/cs2.jsonl"
check_eq "--encoding beats the HTTP charset" "$(jf "$TMP/cs2.jsonl" 1 text)|$(jf "$TMP/cs2.jsonl" 1 source)" "¤ 100|override"

run pqx run $C "$H/long.warc"
check_rc "Content-Length too long: exit 3" 3
check_contains "too long: named by archive and offset, and where reading goes on" "$ERR" \
	"pqx: $H/long.warc#0: unreadable WARC record: it does not end where its Content-Length"
check_contains "too long: resynchronised at the next record" "$ERR" "reading goes on at the next record, offset $(offs long.warc | cut -d' ' -f3)"
check_eq "too long: the next records are read" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "2"
run pqx run $C "$H/short.warc"
check_rc "Content-Length too short: exit 3" 3
check_contains "too short: named and resynchronised" "$ERR" "short.warc#0: unreadable WARC record: it does not end where its Content-Length"
check_eq "too short: the next records are read" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "2"
run pqx run $C "$H/long.warc.gz"
check_rc "too long in a gzip member: exit 3" 3
G2=$(offs long.warc.gz | cut -d' ' -f3)
check_contains "too long in a gzip member: the member it ran into" "$ERR" \
	"long.warc.gz#0: unreadable WARC record: its Content-Length (183) runs past the end of its gzip member into the member at offset $G2"
check_contains "... reading goes on at that member" "$ERR" "reading goes on at the next record, gzip member at offset $G2"
check_eq "... and its records are read" "$(printf '%s\n' "$OUT" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["text"] for l in sys.stdin))')" "b c"
run pqx run $C "$H/pastend.warc"
check_rc "a block past the end of the archive: exit 3" 3
check_contains "... says so, with the offset" "$ERR" \
	"pastend.warc#$(offs pastend.warc | cut -d' ' -f3): unreadable WARC record: its block of 5123 bytes (Content-Length) runs past the end of the archive"
check_contains "... and that nothing follows" "$ERR" "no readable record follows; the rest of the archive is skipped"
check_eq "... the record before it is read" "$(jf "$TMP/out" 1 text)" "b"
run pqx run $C "$H/garbage.warc"
check_contains "junk where a record should start" "$ERR" "garbage.warc#0: unreadable WARC record: no WARC record starts here"
check_contains "junk after the last record" "$ERR" "garbage.warc#$(offs garbage.warc | cut -d' ' -f5): unreadable WARC record: no WARC record starts here"
check_eq "records between junk are read" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "2"
run pqx run $C "$H/versions.warc"
check_eq "WARC/1.1 with a fractional WARC-Date" "$(jf "$TMP/out" 1 fetched)" "2024-05-06T07:08:09.123456Z"
check_contains "another version is refused" "$ERR" "version \"WARC/0.9\" is not WARC/1.0 or WARC/1.1"

run pqx run $C "$H/bodies.warc"
check_rc "undecodable bodies: exit 3" 3
printf '%s\n' "$OUT" >"$TMP/bd.jsonl"
check_eq "chunked + gzip by hand" "$(jf "$TMP/bd.jsonl" 1 text)" "zipped"
check_eq "Content-Encoding deflate" "$(jf "$TMP/bd.jsonl" 2 text)" "deflated"
check_contains "Content-Encoding br refused" "$ERR" "bodies.warc#897: HTTP Content-Encoding \"br\" is not supported"
check_contains "a bad chunk size" "$ERR" "bodies.warc#1218: HTTP body: a chunk size line of the chunked body is not a hexadecimal number"
check_contains "a chunked body cut short" "$ERR" "bodies.warc#1561: HTTP body: the chunked body ends inside a chunk"
check_contains "a gzip body cut short" "$ERR" "bodies.warc#1978: HTTP Content-Encoding gzip: the compressed body is cut short"
check_contains "a relative WARC-Target-URI: warning" "$ERR" "bodies.warc#2314: warning: the record's WARC-Target-URI \"relative/path\" is not an absolute URL; ctx.url is nil"
check_contains "a malformed WARC-Date: warning" "$ERR" "warning: the record's WARC-Date \"yesterday\" is not an ISO 8601 UTC time"
check_eq "... and the page still runs, without url and fetched" "$(jf "$TMP/bd.jsonl" 3 url)|$(jf "$TMP/bd.jsonl" 3 fetched)" "nil|nil"
run pqx run --base-url https://www.example.org/ $C "$H/bodies.warc#2314"
check_eq "--base-url does not stand in for an archived page's URL" "$(jf "$TMP/out" 1 url)" "nil"

run pqx run $C "$H/crawlers.warc"
check_rc "a record the crawler cut short: exit 3" 3
check_contains "... is not run, and says why" "$ERR" "crawlers.warc#0: the crawler cut this record short (WARC-Truncated: length); the page is incomplete"
printf '%s\n' "$OUT" >"$TMP/cr.jsonl"
check_eq "chunked in the header, not in the body: read as it is" "$(jf "$TMP/cr.jsonl" 1 text)" "stored dechunked"
check_contains "... with a warning" "$ERR" "warning: the response says Transfer-Encoding: chunked, but its body is not chunked"
check_eq "gzip in the header, plain markup in the body: read as it is" "$(jf "$TMP/cr.jsonl" 2 text)" "stored unzipped"
check_contains "... with a warning" "$ERR" "warning: the response says Content-Encoding: gzip, but its body is plain markup"

run pqx run --max-bytes 2000 $C "$H/big.warc"
check_rc "a page over --max-bytes: exit 6" 6
check_contains "... named" "$ERR" "big.warc#0: the page is over the limit of 2000 bytes (--max-bytes)"
check_eq "... the next record is read" "$(jf "$TMP/out" 1 text)" "c"

# damaged gzip: a corrupt member, a cut archive, junk between members
python3 - "$TMP/crawl.warc.gz" "$TMP" <<'EOF'
import sys, zlib
data = open(sys.argv[1], "rb").read()
offs, pos = [], 0
while pos < len(data):
    d = zlib.decompressobj(31)
    d.decompress(data[pos:])
    offs.append(pos)
    pos = len(data) - len(d.unused_data)
i, j = offs[4], offs[5]  # the second response
b = bytearray(data)
for k in range(i + (j - i) // 2, i + (j - i) // 2 + 8):
    b[k] ^= 0x55
open(sys.argv[2] + "/corrupt.warc.gz", "wb").write(b)
open(sys.argv[2] + "/cut.warc.gz", "wb").write(data[:offs[6] + (offs[7] - offs[6]) // 2])
open(sys.argv[2] + "/junk.warc.gz", "wb").write(data[:offs[4]] + b"\0" * 100 + data[offs[4]:])
open(sys.argv[2] + "/members.txt", "w").write(" ".join(map(str, offs)) + "\n")
EOF
M4=$(cut -d' ' -f5 "$TMP/members.txt")
M5=$(cut -d' ' -f6 "$TMP/members.txt")
M6=$(cut -d' ' -f7 "$TMP/members.txt")
run pqx run $S "$TMP/corrupt.warc.gz"
check_rc "a corrupt gzip member: exit 3" 3
check_contains "... named by its offset, with zlib's reason" "$ERR" \
	"corrupt.warc.gz#$M4: unreadable WARC record: corrupt gzip data in the member at offset $M4 (zlib: "
check_contains "... and where reading goes on" "$ERR" "); reading goes on at the next record, gzip member at offset $M5"
check_eq "... the other four pages are read" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "4"
run pqx run $S "$TMP/cut.warc.gz"
check_rc "a cut archive: exit 3" 3
check_contains "... says where it ends" "$ERR" \
	"cut.warc.gz#$M6: unreadable WARC record: the archive ends inside the gzip member at offset $M6 (the file is cut short); no readable record follows"
check_eq "... the pages before it are read" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "2"
run pqx run $S "$TMP/junk.warc.gz"
check_contains "junk between gzip members" "$ERR" \
	"junk.warc.gz#$M4: unreadable WARC record: the bytes at offset $M4 are not a gzip member; reading goes on at the next record, gzip member at offset $((M4 + 100))"
check_eq "... every page is still read" "$(printf '%s\n' "$OUT" | cmp - "$TMP/files.jsonl" && echo same)" "same"
run pqx run --format none --db "$TMP/bad.db" $S "$TMP/corrupt.warc.gz"
check_eq "an unreadable record is an error page in the database" \
	"$(sqlite3 -batch "$TMP/bad.db" "select status || '|' || archive || '|' || record_offset from page where path = '$TMP/corrupt.warc.gz#$M4'")" \
	"error|$TMP/corrupt.warc.gz|$M4"

# unreadable archives, and an archive without pages
run pqx run $S "$TMP/nonexistent.warc.gz"
check_rc "a missing archive: exit 3" 3
check_contains "... named" "$ERR" "nonexistent.warc.gz: cannot read archive: No such file or directory"
printf 'WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n' >"$TMP/empty.warc"
run pqx run $S "$TMP/empty.warc"
check_rc "an archive without HTML pages: exit 3" 3
check_contains "... says what it held" "$ERR" "pqx run: no pages to read: web archive: 1 read, 1 record: 0 HTML pages, 0 unreadable, 1 skipped (1 warcinfo)"

# memory stays flat in the archive's size
if [ -x /usr/bin/time ]; then
	python3 tests/warc_make.py --many 10 "$TMP/m10.warc.gz"
	python3 tests/warc_make.py --many 1000 "$TMP/m1000.warc.gz"
	# (a sanitizer build keeps freed memory in quarantine: not for this measurement)
	Q="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
	ASAN_OPTIONS=$Q /usr/bin/time -v "$PQX" run --format none $C "$TMP/m10.warc.gz" 2>"$TMP/t10" >/dev/null
	ASAN_OPTIONS=$Q /usr/bin/time -v "$PQX" run --format none $C "$TMP/m1000.warc.gz" 2>"$TMP/t1000" >/dev/null
	R10=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/t10")
	R1000=$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/t1000")
	check_contains "1,000 records read" "$(cat "$TMP/t1000")" "1000 HTML pages"
	echo "# peak RSS: 10 records ${R10} KB, 1,000 records ${R1000} KB"
	if [ "$R1000" -le $((R10 + 4096)) ]; then ok "memory is flat: 1,000 records within 4 MB of 10"
	else not_ok "memory is flat: 1,000 records within 4 MB of 10" "10: $R10 KB, 1000: $R1000 KB"; fi
fi

done_testing
