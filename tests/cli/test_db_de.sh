#!/bin/sh
# test_db_de.sh: schema version 3 on the German example pages: every scripts/de-*.lua over
# its examples/de-*/ pages into one database, then authors that are groups, parties or
# committees (organisation, never person), printed papers (document) and summaries (their
# FTS column), and README queries 7-9 (tests/fixtures/store/queries-de.sql) with their results.
# Left out: the three largest list pages (de-ni, de-sh and de-st overviews: 3,740 list
# records that add nothing these checks need) and the two de-sl fragments that fail on purpose.
. tests/cli/lib.sh
DB="$TMP/de.db"
q() { sqlite3 -batch -noheader "$DB" "$@"; }

failed=""
for dir in examples/de-*/; do
	site=$(basename "$dir")
	pages=$(ls "$dir"*.html | grep -v -e 'de-ni/overview.html' -e 'de-sh/overview.html' \
		-e 'de-st/overview.html' -e 'de-sl/single_')
	# shellcheck disable=SC2086
	pqx run -q --format none --db "$DB" "scripts/$site.lua" $pages 2>"$TMP/err" || failed="$failed $site"
done
check_eq "every German script stores its example pages" "$failed" ""
check_eq "schema version 4" "$(q 'PRAGMA user_version')" "4"

# --- authors: a group, a party alone, a committee are organisations, never people
check_eq "a person row is named only by authors of kind person" \
	"$(q "select count(*) from question_author where person_id in (select person_id from question_author where kind <> 'person')")" "0"
check_eq "group authors are organisations of kind group" \
	"$(q "select count(*) from question_author a join organisation o on o.id = a.organisation_id where a.kind = 'group' and o.kind = 'group' and o.name like 'Fraktion%'")" \
	"$(q "select count(*) from question q, json_each(q.record, '\$.authors') a where json_extract(a.value, '\$.kind') = 'group'")"
check_eq "every author kind as the records say" \
	"$(q "select kind, count(*) from question_author group by 1 order by 1")" \
	"$(q "select coalesce(json_extract(a.value, '\$.kind'), 'person'), count(*) from question q, json_each(q.record, '\$.authors') a group by 1 order by 1")"
check_eq "a person row for people only" \
	"$(q "select count(*) from question_author where (kind = 'person') <> (person_id is not null) or (kind = 'person') = (organisation_id is not null)")" "0"
check_eq "the committee of Mecklenburg-Vorpommern 6/4640" \
	"$(q "select o.kind || ' ' || o.name from question_author a join organisation o on o.id = a.organisation_id where a.question_id = 'de-mv:6/4640'")" \
	"committee Ausschuss"
check_eq "a party named alone (Bayern 17/4838) links its party" \
	"$(q "select a.kind || ' ' || y.name from question_author a join party y on y.id = a.party_id where a.question_id = 'de-by:17/4838'")" \
	"party BÜNDNIS 90/DIE GRÜNEN"
members=$(q "select count(distinct a.question_id) from question_author a join person p on p.id = a.person_id join party y on y.id = a.party_id where y.name = 'CDU'")
all=$(q "select count(distinct a.question_id) from question_author a join party y on y.id = a.party_id where y.name = 'CDU'")
if [ "$members" -gt 0 ] && [ "$all" -gt "$members" ]; then
	ok "questions of CDU members ($members) and of the CDU in any form ($all) are told apart"
else
	not_ok "questions of CDU members and of the CDU in any form are told apart" "members $members, all $all"
fi

# --- documents and summaries: every one of the records is a row
check_eq "every document is a row" "$(q "select count(*) from document")" \
	"$(q "select sum(json_array_length(record, '\$.documents')) from question")"
check_eq "every summary is in question.summary" \
	"$(q "select count(*) from question where summary is not null and summary = json_extract(record, '\$.summary')")" \
	"$(q "select count(*) from question where json_type(record, '\$.summary') = 'text'")"
check_eq "Saarland's second number series is kept (kind other)" \
	"$(q "select number || ' ' || kind || coalesce(' ' || title, '') from document where question_id = 'de-sl:15/1299' order by position")" \
	"15/1296 question
15/1299 other file name Af15_1299.pdf"
check_eq "the FTS index is consistent" \
	"$(q "insert into question_fts(question_fts, rank) values('integrity-check', 1); select 'ok'")" "ok"
if command -v sqlite-utils >/dev/null; then
	run sqlite-utils search "$DB" question "Sonderungsverbot" -c id
	check_contains "sqlite-utils search finds a word of a summary" "$OUT" "de-he:19/1126"
else
	not_ok "sqlite-utils is installed (tools/deps.sh installs it)"
fi

# --- README queries 7-9
query() { # NAME -> the SQL of that named query
	awk -v n="$1" '/^-- name: /{on = ($3 == n); next} on' tests/fixtures/store/queries-de.sql
}
norm() { sed 's/--.*$//' | tr -s ' \n\t' ' ' | sed 's/ $//'; }
readme_sql=$(awk '/^```sql/{on=1; next} /^```/{on=0} on' README.md | norm)
schema_sql=$(awk '/^```sql/{on=1; next} /^```/{on=0} on' docs/schema.md | norm)
for name in questions_by_group question_of_document summary_search; do
	check_contains "README shows the query $name" "$readme_sql" "$(query $name | norm)"
	check_contains "docs/schema.md shows the query $name" "$schema_sql" "$(query $name | norm)"
done
check_eq "query 7: the questions of the group DIE LINKE" \
	"$(q -cmd ".parameter set :party \"'DIE LINKE'\"" "$(query questions_by_group)")" \
	"de-bundestag:18-75735|Fraktion DIE LINKE||Mögliche Verletzung unionsrechtlicher Verpflichtungen gegenüber Flüchtlingen durch die Deutsche Marine in der Ägäis
de-he:19/749|Fraktion DIE LINKE||Gesundheit von Kindern und Jugendlichen in Hessen
de-hh:21/2013|Fraktion DIE LINKE||Auswärtige Unterbringung bei den Hilfen zur Erziehung
de-he:19/382|Fraktion DIE LINKE|2014-05-08|Geheimdienst-Skandale, Massenüberwachung sowie Grund- und Völkerrechtsverletzungen in Hessen
de-he:19/1585|Fraktion DIE LINKE|2015-02-10|Nutzung der Fluggastbrücken am Frankfurter Flughafen
de-bundestag:18-67715|Fraktion DIE LINKE|2015-06-24|Einsatz von Flugzeugen, Hubschraubern und Drohnen beim G7-Gipfel in Bayern
de-bundestag:18-75048|Fraktion DIE LINKE|2016-06-09|Sozialer Wohnungsbau in Deutschland - Entwicklung, Bestand, Perspektive
de-bundestag:18-83903|Fraktion DIE LINKE|2017-09-13|Neonazis als mögliche Quellen von Nachrichtendiensten"
check_eq "query 8: Drucksache 17/1469 is the answer to Berlin's 17/1262" \
	"$(q -cmd ".parameter set :number \"'17/1469'\"" "$(query question_of_document)")" \
	"de-be:17/1262|answer|2014-02-11|Was hat die Errichtung des Flughafens Berlin Brandenburg (BER) bisher gekostet?|answered"
check_eq "query 8: a number printed on two questions (Saarland 15/1296) finds both" \
	"$(q -cmd ".parameter set :number \"'15/1296'\"" "$(query question_of_document)" | cut -d'|' -f1,2)" \
	"de-sl:15/1296|question
de-sl:15/1299|question"
check_eq "query 9: summary search with a snippet" \
	"$(q -cmd ".parameter set :query \"'Ersatzschulen'\"" "$(query summary_search)")" \
	"de-he:19/1126|Fragenkatalog zur Entwicklung und Situation der [Ersatzschulen], zum Schulgeld und Sonderungsverbot sowie…"
check_eq "query 9 searches summaries only (a title word is not found)" \
	"$(q -cmd ".parameter set :query \"'Ersatzschulen AND Hessen'\"" "$(query summary_search)")" ""
check_eq "query 9 with sqlite-utils -p" \
	"$(sqlite-utils query "$DB" "$(query summary_search)" -p query Sonderungsverbot --csv --no-headers 2>&1 | cut -d, -f1)" \
	"de-he:19/1126"

# --- a database of schema version 2 (pqx 817661b) opens, is migrated, and stays whole
cp tests/fixtures/migrate/v2.db "$TMP/v2.db"
run pqx run --format none --db "$TMP/v2.db" scripts/de-he.lua examples/de-he/detail_major.html
check_rc "pqx run --db on a version-2 database" 0
check_eq "it is migrated to the latest version" "$(sqlite3 "$TMP/v2.db" 'PRAGMA user_version')" "4"
check_eq "its documents and summaries are rows and columns now" \
	"$(sqlite3 "$TMP/v2.db" "select (select count(*) from document) || ' ' || (select count(*) from question where summary is not null) || ' ' || (select count(*) from organisation)")" \
	"70 7 6"
check_eq "the page it already held changes nothing" "$(sqlite3 "$TMP/v2.db" 'select count(*) from question_revision')" "1"

done_testing
