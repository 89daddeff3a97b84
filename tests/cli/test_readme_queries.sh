#!/bin/sh
# test_readme_queries.sh: every query of the README's database section, run in
# Debian's sqlite3 shell exactly as printed: the SQL text as it stands in the README
# (comments included) and the `.parameter` commands its comment line shows. The
# database holds both language versions of Senate question 5-8916 and a Landtag's
# list and detail pages, so each query has something to find.
. tests/cli/lib.sh
DB="$TMP/q.db"

run pqx run --format none --db "$DB" scripts/be-senate.lua examples/be-senate/5-8916.html examples/be-senate/5-8916-fr.html
check_rc "store the Dutch and the French page of 5-8916" 0
run pqx run --format none --db "$DB" scripts/de-st.lua examples/de-st/overview.html examples/de-st/detail_unanswered.html
check_rc "store a Landtag list page and an unanswered detail page" 0
run pqx run --format none --db "$DB" scripts/de-he.lua examples/de-he/detail_382.html examples/de-he/detail_major.html
check_rc "store two Hessen questions of parliamentary groups, one with a summary" 0
run pqx run --format none --db "$DB" scripts/de-be.lua examples/de-be/overview_1469.html
check_rc "store a Berlin Große Anfrage with its answer's Drucksache" 0

# Split the README's sql block at its "-- N. title" lines: one file per query, the
# `.parameter` commands of its comment lines first (they are separated by two or
# more spaces on the line), then the query text verbatim.
awk -v dir="$TMP" '
	/^```sql/ { on = 1; next }
	/^```/ { on = 0 }
	!on { next }
	/^-- [0-9]+\. / { n++; f = dir "/query" n ".sql"; p = dir "/query" n ".cmd"; printf "" > p }
	n && /^--.*\.parameter set/ {
		line = substr($0, index($0, ".parameter"))
		k = split(line, cmds, /   */)
		for (i = 1; i <= k; i++) if (cmds[i] ~ /^\.parameter/) print cmds[i] > p
	}
	n { print > f }
' README.md
count=$(ls "$TMP"/query*.sql 2>/dev/null | wc -l)
check_eq "the README shows nine queries" "$count" "9"

readme_query() { # N -> its output (stderr kept in $TMP/qerr)
	cat "$TMP/query$1.cmd" "$TMP/query$1.sql" > "$TMP/query$1.all"
	sqlite3 -batch -bail -noheader "$DB" < "$TMP/query$1.all" 2> "$TMP/qerr"
}
no_error() { # NAME
	if [ -s "$TMP/qerr" ]; then not_ok "$1: no error" "$(head -3 "$TMP/qerr")"; else ok "$1: no error"; fi
}

check_eq "query 2, 5, 6, 7, 8 and 9 carry their parameters" \
	"$(cat "$TMP/query2.cmd" "$TMP/query5.cmd" "$TMP/query6.cmd" "$TMP/query7.cmd" "$TMP/query8.cmd" "$TMP/query9.cmd" | cut -d' ' -f1-3 | tr '\n' ' ')" \
	".parameter set :as_of .parameter set :days .parameter set :query .parameter set :query .parameter set :party .parameter set :number .parameter set :query "

out=$(readme_query 1); no_error "query 1"
check_contains "query 1: questions per author and party" "$out" "Martine Taelman|Open Vld|1"
out=$(readme_query 2); no_error "query 2"
check_contains "query 2: the unanswered Landtag question is older than 30 days" "$out" "de-st:"
check_not_contains "query 2: the answered Senate question is not listed" "$out" "be-senate:5-8916"
out=$(readme_query 3); no_error "query 3"
check_contains "query 3: answer delay of the Senate question (35 days)" "$out" "|1|35.0|35"
out=$(readme_query 4); no_error "query 4"
check_contains "query 4: keyword counts" "$out" "sociale media|senate.be|nl|1"
check_contains "query 4: a Landtag keyword" "$out" "Sexueller Missbrauch|"
out=$(readme_query 5); no_error "query 5"
check_contains "query 5: full-text search finds 5-8916 with a snippet" "$out" "be-senate:5-8916|"
check_contains "query 5: the snippet marks the match" "$out" "[sociale media]"
out=$(readme_query 6); no_error "query 6"
check_eq "query 6: found by French words, shown in both languages, the original first" \
	"$(printf '%s\n' "$out" | cut -d'|' -f1-3)" "be-senate:5-8916|nl|1
be-senate:5-8916|fr|0"
out=$(readme_query 7); no_error "query 7"
check_eq "query 7: the questions of the group DIE LINKE" "$out" \
	"de-he:19/382|Fraktion DIE LINKE|2014-05-08|Geheimdienst-Skandale, Massenüberwachung sowie Grund- und Völkerrechtsverletzungen in Hessen"
out=$(readme_query 8); no_error "query 8"
check_eq "query 8: Drucksache 17/1469 is the answer to Berlin's 17/1262" "$out" \
	"de-be:17/1262|answer|2014-02-11|Was hat die Errichtung des Flughafens Berlin Brandenburg (BER) bisher gekostet?|answered"
out=$(readme_query 9); no_error "query 9"
check_contains "query 9: the summary that names Ersatzschulen, marked" "$out" \
	"de-he:19/1126|Fragenkatalog zur Entwicklung und Situation der [Ersatzschulen]"

# --- what full-text search covers beyond the title and text (issue: keywords, headings)
if command -v sqlite-utils >/dev/null; then
	run sqlite-utils search "$DB" question "médias sociaux" -c id
	check_contains "sqlite-utils search finds the French wording" "$OUT" "be-senate:5-8916"
	run sqlite-utils search "$DB" question "Missbrauch" -c id
	# de-st:6/1969's title says "Missbrauchs"; only its keyword says "Missbrauch"
	check_contains "sqlite-utils search finds a question by its keyword only" "$OUT" "de-st:6/1969"
else
	not_ok "sqlite-utils is installed (tools/deps.sh installs it)"
fi
# a word that the answer prints only in a section heading
headings=$(sqlite3 -batch -noheader "$DB" "SELECT json_extract(s.value, '\$.heading') FROM question_translation t, json_each(t.record, '\$.answers[0].sections') s WHERE t.question_id = 'be-senate:5-8916' AND t.lang = 'nl'")
check_contains "5-8916's answer has section headings" "$headings" "Programmatorische Overheidsdienst (POD) Maatschappelijke Integratie"
check_eq "'Programmatorische' is printed once in the Dutch answer: in its heading" \
	"$(sqlite3 -batch -noheader "$DB" "SELECT answer_text FROM question WHERE id = 'be-senate:5-8916'" | grep -o Programmatorische | wc -l)" "1"
check_eq "FTS finds the question by that word of an answer heading" \
	"$(sqlite3 -batch -noheader "$DB" "SELECT question.id FROM question_fts JOIN question ON question.rowid = question_fts.rowid WHERE question_fts MATCH 'answer_text:programmatorische'")" "be-senate:5-8916"
exit $T_FAILED
