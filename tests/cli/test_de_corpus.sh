#!/bin/sh
# test_de_corpus.sh: the 17 German scripts (de-bundestag and the 16 Landtage) run over
# every example page of examples/de-* into ONE database: each page is stored, each parliament has its number of questions, the README queries
# work on the result, and full-text and keyword searches find German questions.
. tests/cli/lib.sh
DB="$TMP/de.db"
n=0
for s in scripts/de-*.lua; do
	site=$(basename "$s" .lua)
	run pqx run -q -j 2 --format none --db "$DB" "$s" "examples/$site"
	n=$((n + 1))
	check_rc "$site stores its example pages" 0
done
check_eq "17 German scripts" "$n" 17
q() { sqlite3 -batch -noheader "$DB" "$@"; }
check_eq "17 runs recorded" "$(q "select count(distinct script_name) from run")" 17
check_eq "all 81 pages stored" "$(q "select group_concat(status || '=' || n, ' ') from (select status, count(*) n from page group by status order by status)")" "ok=81"
check_eq "questions per parliament" "$(q "select group_concat(parliament || '=' || n, ' ') from (select parliament, count(*) n from question group by parliament order by parliament)")" \
	"de-bb=26 de-be=67 de-bundestag=5 de-bw=11 de-by=50 de-hb=24 de-he=635 de-hh=11 de-mv=14 de-ni=660 de-nw=52 de-rp=48 de-sh=1340 de-sl=1477 de-sn=22 de-st=1749 de-th=11"
check_eq "6202 questions from 6217 sources" "$(q "select (select count(*) from question) || ' ' || (select count(*) from question_source)")" "6202 6217"

# the README's queries (tests/fixtures/store/queries.sql holds them as the README prints them)
query() { awk -v n="$1" '/^-- name: /{on = ($3 == n); next} on' tests/fixtures/store/queries.sql; }
run sqlite3 -batch -noheader "$DB" "$(query questions_per_author_and_party)"
check_rc "query 1 runs" 0
check_contains "query 1: a Brandenburg member" "$OUT" "Thomas Jung|AfD|"
check_contains "query 1: a Schleswig-Holstein member" "$OUT" "Dr. Patrick Breyer|PIRATEN|198"
run sqlite3 -batch -noheader "$DB" -cmd ".parameter set :as_of \"'2020-01-01'\"" -cmd ".parameter set :days 30" "$(query unanswered_older_than)"
check_rc "query 2 runs" 0
check_contains "query 2: an unanswered Hessian question" "$OUT" "de-he:19/3272|"
run sqlite3 -batch -noheader "$DB" "$(query answer_delay_per_addressee)"
check_rc "query 3 runs" 0
check_eq "query 3: no German addressees (the answering ministry is answers[].by)" "$OUT" ""
check_eq "the answering body is in answer.by_name" "$(q "select by_name from answer where question_id = 'de-bundestag:18-67715'")" "Bundeskanzleramt"
run sqlite3 -batch -noheader "$DB" "$(query keyword_counts)"
check_rc "query 4 runs" 0
check_contains "query 4: PADOKA descriptors" "$OUT" "Politische Straftat|padoka-thesaurus|de|72"
check_contains "query 4: ELVIS keywords" "$OUT" "Straßengüterverkehr|elvis-thesaurus|de|1"
run sqlite3 -batch -noheader "$DB" -cmd ".parameter set :query 'Schwertransporte'" "$(query full_text_search)"
check_rc "query 5 runs" 0
check_contains "query 5 finds a Brandenburg title" "$OUT" "de-bb:6/3143|Windenergieanlagen - Begleitung der Schwertransporte durch die Polizei|"
query_de() { awk -v n="$1" '/^-- name: /{on = ($3 == n); next} on' tests/fixtures/store/queries-de.sql; }
run sqlite3 -batch -noheader "$DB" -cmd ".parameter set :number \"'6/3264'\"" "$(query_de question_of_document)"
check_eq "query 8: Brandenburg's answer Drucksache finds its question" "$OUT" \
	"de-bb:6/3143|answer|2015-12-30|Windenergieanlagen - Begleitung der Schwertransporte durch die Polizei|answered"
run sqlite3 -batch -noheader "$DB" -cmd ".parameter set :party \"'DIE LINKE'\"" "$(query_de questions_by_group)"
check_contains "query 7: the Bundestag group DIE LINKE" "$OUT" "de-bundestag:18-83903|Fraktion DIE LINKE|2017-09-13|"

# full-text search by a word of the title, as sqlite-utils does it
run sqlite-utils search "$DB" question "Kreisumlagen" -c id -c title
check_rc "sqlite-utils search runs" 0
check_eq "sqlite-utils finds a question by a word of its title" "$OUT" '[{"id": "de-bb:6/3043", "title": "Kreisumlagen in Brandenburg"}]'
check_eq "FTS folds diacritics (Fluchtlinge finds Flüchtlinge)" \
	"$(q "select count(*) from question_fts where question_fts match 'Fluchtlingen' and rowid = (select rowid from question where id = 'de-bb:6/114')")" 1
# a keyword search: every question filed under a thesaurus keyword
check_eq "keyword search" "$(q "select group_concat(question_id, ' ') from (select question_id from question_keyword join keyword on keyword.id = keyword_id where label = 'Asylbewerber' and scheme = 'parldok-thesaurus' order by question_id)")" "de-bb:6/114"

# de-nw: what the hidden "Details" span holds (display:none until clicked) is stored
check_eq "de-nw: keywords from the hidden details" "$(q "select count(*) from question_keyword join keyword on keyword.id = keyword_id where question_id = 'de-nw:16/6049' and scheme in ('nrw-systematik', 'nrw-schlagwort')")" 21
check_contains "de-nw: the abstract from the hidden details" "$(q "select json_extract(record, '\$.summary') from question where id = 'de-nw:16/6049'")" "Auswirkungen der intensiven Landwirtschaft"

# de-bb: the two number series and the authors of a Große Anfrage
check_eq "de-bb: both number series kept in the stored record" \
	"$(q "select group_concat(json_extract(value, '\$.number') || ':' || json_extract(value, '\$.kind'), ' ') from question_source, json_each(json_extract(record, '\$.documents')) where question_id = 'de-bb:6/3143'")" \
	"6/3143:question 1315:other 6/3264:answer"
sed 's/GrAnfr 1 <!--XX-->   (CDU)/GrAnfr 10 <!--XX-->   (SPD,DIE LINKE)/' examples/de-bb/detail_614.html >"$TMP/granfr10.html"
run pqx run scripts/de-bb.lua "$TMP/granfr10.html"
check_rc "de-bb: a Große Anfrage of two groups" 0
check_contains "de-bb: two party authors" "$OUT" '"authors":[{"kind":"party","name":"SPD","party":"SPD","raw":"SPD"},{"kind":"party","name":"DIE LINKE","party":"DIE LINKE","raw":"DIE LINKE"}]'
sed 's/GrAnfr 1 <!--XX-->   (CDU)/KlAnfr 179 <!--XX-->   Gordon Freeman (CDU), Black Widow (DIE LINKE)/' examples/de-bb/detail_614.html >"$TMP/klanfr179.html"
run pqx run scripts/de-bb.lua "$TMP/klanfr179.html"
check_contains "de-bb: a Kleine Anfrage of two members" "$OUT" '"authors":[{"name":"Gordon Freeman","party":"CDU","raw":"Gordon Freeman (CDU)"},{"name":"Black Widow","party":"DIE LINKE","raw":"Black Widow (DIE LINKE)"}]'
check_contains "de-bb: its per-type number" "$OUT" '{"kind":"other","number":"179","title":"Kleine Anfrage 179"}'
sed 's/EntschlAntr <!--XX-->   (CDU)/Beschlussempfehlung <!--XX-->   (CDU)/' examples/de-bb/detail_614.html >"$TMP/unknown.html"
run pqx run scripts/de-bb.lua "$TMP/unknown.html"
check_rc "de-bb: an unknown Vorgang line fails the page" 4
check_contains "de-bb: ... quoting the line" "$ERR" 'unknown PARLDOK Vorgang line "Beschlussempfehlung (CDU) 17.03.2015 Drs 6/897 (2 S.)"'
sed 's|<div class="topic2">Antwort (LReg)  30.12.2015 Drucksache 6/3264 (2 S.)</div>||' examples/de-bb/overview.html >"$TMP/noanswer.html"
run pqx run scripts/de-bb.lua "$TMP/noanswer.html"
first=$(printf '%s\n' "$OUT" | head -1)
check_contains "de-bb: a list entry without an answer row" "$first" '"id":"de-bb:6/3143"'
check_not_contains "de-bb: ... has no status" "$first" '"status"'
check_not_contains "de-bb: ... and no answer" "$first" '"answers"'
sed 's|<div class="topic2">Antwort (LReg)  30.12.2015 Drucksache 6/3264 (2 S.)</div>|<div class="topic2">Stellungnahme (LReg)  30.12.2015 Drucksache 6/3264 (2 S.)</div>|' examples/de-bb/overview.html >"$TMP/other.html"
run pqx run scripts/de-bb.lua "$TMP/other.html"
first=$(printf '%s\n' "$OUT" | head -1)
check_contains "de-bb: a later paper that is not the answer is kept as printed" "$first" '{"date":"2015-12-30","kind":"other","number":"6/3264","title":"Stellungnahme (LReg)","url":'
sed 's|name="OFR_BASIS2">Kleine Anfrage 1308</span|name="OFR_BASIS2">Antrag</span|' examples/de-bb/overview.html >"$TMP/antrag.html"
run pqx run --format json scripts/de-bb.lua "$TMP/antrag.html"
check_rc "de-bb: a list with a paper that is no Anfrage" 0
check_contains "de-bb: ... skips it with a page warning" "$OUT" '"not a Kleine or Große Anfrage, skipped (1): Antrag"'
check_eq "de-bb: ... and reads the 24 others" "$(printf '%s\n' "$OUT" | grep -c '"schema": "pqx.question/1"')" 24
sed 's|name="OFR_BASIS2">Kleine Anfrage 1308</span|name="OFR_BASIS2">Kleine Anfrage</span|' examples/de-bb/overview.html >"$TMP/nonumber.html"
run pqx run scripts/de-bb.lua "$TMP/nonumber.html"
check_contains "de-bb: a Kleine Anfrage without its per-type number has no such document" "$(printf '%s\n' "$OUT" | sed -n 2p)" '"documents":[{"date":"2015-12-04","kind":"question","number":"6/3129",'
check_not_contains "de-bb: ... and no invented one" "$(printf '%s\n' "$OUT" | sed -n 2p)" '"kind":"other"'
run pqx run --base-url "https://www.parlamentsdokumentation.brandenburg.de/starweb/LBB/ELVIS/servlet.starweb?x=1" scripts/de-bb.lua examples/de-bb/detail_614.html
check_contains "de-bb: --base-url is the source_url" "$OUT" '"source_url":"https://www.parlamentsdokumentation.brandenburg.de/starweb/LBB/ELVIS/servlet.starweb?x=1"'
check_contains "de-bb: ... and the base of the links" "$OUT" '"url":"https://www.parlamentsdokumentation.brandenburg.de/parladoku/w6/drs/ab%5F0600/614.pdf"'
run pqx run scripts/de-bb.lua examples/de-be/detail.html
check_rc "de-bb: a page of another site fails" 4
check_contains "de-bb: ... saying what it expected" "$ERR" "neither an ELVIS result list (div[name=ReportGenerated]) nor a PARLDOK Vollanzeige"

# tools/de_table.py: the per-parliament table, read from the repository alone
run python3 tools/de_table.py --peer "$TMP/no-peer"
check_rc "de_table.py runs without the peer's scrapers" 0
check_eq "de_table.py: a header, a rule, 17 rows and the total" "$(printf '%s\n' "$OUT" | grep -c '^|')" 20
check_contains "de_table.py: Brandenburg's pages and records" "$OUT" "| de-bb | 2 | 26 (25) |"
check_contains "de_table.py: Saarland's pages and records" "$OUT" "| de-sl | 3 | 1478 (1478) |"
check_contains "de_table.py: no peer, no ratio" "$OUT" "| n/a |  |"
check_contains "de_table.py: Thüringen reproduces every asserted value" "$(printf '%s\n' "$OUT" | grep '^| de-th ')" "| none |"
check_contains "de_table.py: the total" "$OUT" "| **all 17** | 81 (0) | 6240 (6202) |"
done_testing
