#!/bin/sh
# test_db.sh: pqx run --db end to end: what is stored, validation errors stored
# as error pages, re-runs that change nothing, a changed page kept as a revision,
# kill -9 in the middle of a 500-page run, full-text search with sqlite-utils,
# and the five README queries.
. tests/cli/lib.sh
S=scripts/be-senate.lua
E=examples/be-senate
D=tests/fixtures/db
DB="$TMP/q.db"
q() { sqlite3 -batch -noheader "$DB" "$@"; }

# --- the unanswered question first, then the answer arrives
run pqx run --format none --db "$DB" $S $E/5-8916-unanswered.html
check_rc "store the unanswered page" 0
check_eq "schema version is at least 2" "$([ "$(q 'PRAGMA user_version')" -ge 2 ] && echo yes)" yes
check_eq "question stored unanswered" "$(q "select status || ' ' || date_asked from question where id='be-senate:5-8916'")" "unanswered 2013-04-30"
check_eq "one chronology event" "$(q "select count(*) from event")" "1"
check_eq "five keywords in order" "$(q "select group_concat(label, '|') from (select k.label from question_keyword qk join keyword k on k.id = qk.keyword_id order by qk.position)")" "ministerie|virtuele gemeenschap|bewustmaking van de burgers|betrekking tussen overheid en burger|sociale media"
check_eq "18 related questions" "$(q "select count(*) from related where related_id like 'be-senate:5-89%'")" "18"
check_eq "four question parts" "$(q "select count(*) from question_part")" "4"
check_eq "author and party as printed" "$(q "select p.name || ' / ' || y.name from question_author a join person p on p.id = a.person_id join party y on y.id = a.party_id")" "Martine Taelman / Open Vld"
check_eq "page provenance" "$(q "select status || ' ' || encoding || ' ' || encoding_source || ' ' || length(content_sha256) from page")" "ok windows-1252 meta 64"
check_eq "run provenance" "$(q "select script_name || ' ' || script_version || ' ' || length(script_sha256) || ' ' || pqx_version from run")" "be-senate 1.0.0 64 0.1.0"

before=$(q "select rowid, id, title, status, record_sha256, revision, first_seen from question")
run pqx run --format none --db "$DB" $S $E/5-8916-unanswered.html
check_rc "re-run the same page" 0
check_eq "re-run changes no question column but last_seen" "$(q "select rowid, id, title, status, record_sha256, revision, first_seen from question")" "$before"
check_eq "re-run adds no revision" "$(q "select count(*) from question_revision")" "0"
check_eq "re-run: two runs recorded" "$(q "select count(*) from run")" "2"
check_eq "re-run: last seen by the second run" "$(q "select last_seen_run from question")" "2"

run pqx run --format none --db "$DB" $S $E/5-8916.html
check_rc "store the answered page" 0
check_eq "the answer replaces the status" "$(q "select status || ' ' || date_answered from question")" "answered 2013-06-04"
check_eq "the previous version is kept as a revision" "$(q "select count(*) || ' ' || min(json_extract(record, '\$.status')) from question_revision")" "1 unanswered"
check_eq "same question row (rowid) after the change" "$(q "select rowid from question")" "$(printf '%s' "$before" | cut -d'|' -f1)"
check_eq "child rows replaced: two events" "$(q "select count(*) from event")" "2"
check_eq "answer with five sections" "$(q "select count(*) from answer_section")" "5"
check_eq "answer items: 4 each for CGVS, Fedasil and POD MI" "$(q "select count(*) from answer_item")" "12"
check_eq "no duplicated keywords after the change" "$(q "select count(*) from question_keyword")" "5"

# --- full-text search in the layout sqlite-utils recognises
if command -v sqlite-utils >/dev/null; then
	run sqlite-utils search "$DB" question "sociale media" -c id
	check_contains "sqlite-utils search finds the question" "$OUT" "be-senate:5-8916"
	run sqlite-utils search "$DB" question "Fedasil" -c id
	check_contains "sqlite-utils search finds an answer-only word" "$OUT" "be-senate:5-8916"
	run sqlite-utils search "$DB" question "geevalueerd" -c id
	check_contains "search folds diacritics" "$OUT" "be-senate:5-8916"
else
	not_ok "sqlite-utils is installed (tools/deps.sh installs it)"
fi

# --- the README queries (tests/fixtures/store/queries.sql)
query() { # NAME -> the SQL of that named query
	awk -v n="$1" '/^-- name: /{on = ($3 == n); next} on && /^-- name:/{on=0} on' tests/fixtures/store/queries.sql
}
# the README shows the same five queries (comments and white space aside)
norm() { sed 's/--.*$//' | tr -s ' \n\t' ' ' | sed 's/ $//'; }
readme_sql=$(awk '/^```sql/{on=1; next} /^```/{on=0} on' README.md | norm)
for name in questions_per_author_and_party unanswered_older_than answer_delay_per_addressee keyword_counts full_text_search; do
	check_contains "README shows the query $name" "$readme_sql" "$(query $name | norm)"
done
check_contains "query: questions per author and party" "$(q "$(query questions_per_author_and_party)")" "Martine Taelman|Open Vld|1"
check_contains "query: answer delay per addressee" "$(q "$(query answer_delay_per_addressee)")" "|1|35.0|35"
check_contains "query: keyword counts" "$(q "$(query keyword_counts)")" "sociale media|senate.be|nl|1"
check_contains "query: full-text search" "$(sqlite3 -batch -noheader "$DB" -cmd ".parameter set :query '\"sociale media\"'" "$(query full_text_search)")" "be-senate:5-8916|"
run pqx run --format none --db "$TMP/u.db" $S $E/5-8916-unanswered.html
check_contains "query: unanswered older than N days" "$(sqlite3 -batch -noheader "$TMP/u.db" -cmd ".parameter set :as_of \"'2013-07-01'\"" -cmd ".parameter set :days 30" "$(query unanswered_older_than)")" "be-senate:5-8916|"
check_eq "query: unanswered, none older than 90 days" "$(sqlite3 -batch -noheader "$TMP/u.db" -cmd ".parameter set :as_of \"'2013-07-01'\"" -cmd ".parameter set :days 90" "$(query unanswered_older_than)")" ""

# --- validation errors are stored as error pages, never dropped silently
run pqx run --format none --db "$DB" $D/mini.lua $D/page-invalid-date.html
check_rc "invalid record: exit 5" 5
check_contains "validation message names record and field" "$ERR" 'mini.lua: record be-senate:5-8916: dates.asked: "30 april 2013" is not YYYY-MM-DD'
check_eq "the page is stored as an error" "$(q "select status from page where path like '%invalid-date%'")" "error"
check_contains "with its message" "$(q "select error from page where path like '%invalid-date%'")" "is not YYYY-MM-DD"
check_eq "the stored question is untouched" "$(q "select status from question where id='be-senate:5-8916'")" "answered"
run pqx run --format none --db "$DB" $D/mini.lua $D/page-bad-calendar.html
check_rc "a date that is not in the calendar: exit 5" 5
check_contains "calendar check message" "$ERR" "dates.asked"

# --- unknown fields land in extra with a warning
run pqx run --format none --db "$DB" $D/mini.lua $D/page-extra.html
check_rc "unknown field is not an error" 0
check_contains "unknown field warned" "$ERR" "committee"
check_eq "unknown field kept in extra" "$(q "select json_extract(extra, '\$.committee') from question where id='be-senate:5-7001'")" "Commissie Justitie"

# --- records without a schema are refused by --db, with a clear message
run pqx run --format none --db "$DB" tests/fixtures/cli/titles.lua tests/fixtures/cli/page-calm.html
check_rc "--db refuses records without schema" 5
check_contains "and says why" "$ERR" "--db stores only pqx.question/1 records"

# --- group commit: a stored page is committed within the window even while the run
# waits for the next page (here, for the next line of the page list)
G="$TMP/g.db"
( echo $E/5-8916.html; until [ -f "$TMP/go" ]; do sleep 0.05; done; echo $E/5-8916-fr.html ) |
	$PQX_WRAP "$PQX" run -q --format none --db "$G" $S - 2>/dev/null &
gpid=$!
tries=0
until [ "$(sqlite3 "$G" 'select count(*) from page' 2>/dev/null || echo 0)" -ge 1 ] || [ $tries -ge 400 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
check_eq "group commit: the first page is committed while the run waits for the second" \
	"$(sqlite3 "$G" 'select count(*) from page' 2>/dev/null)" "1"
touch "$TMP/go"
wait $gpid
check_eq "group commit: the run ends with both pages" "$(sqlite3 "$G" 'select count(*) from page')" "2"

# --- kill -9 during a 500-page run; re-running finishes the job
mkdir -p "$TMP/many"
i=0
while [ $i -lt 500 ]; do
	n=$((10000 + i))
	LC_ALL=C sed "s/5-8916/5-$n/g" $E/5-8916.html >"$TMP/many/p$n.html"
	i=$((i + 1))
done
K="$TMP/k.db"
$PQX_WRAP "$PQX" run -q --format none --db "$K" $S "$TMP/many" 2>/dev/null &
pid=$!
tries=0
until [ -f "$K" ] && [ "$(sqlite3 "$K" 'select count(*) from question' 2>/dev/null || echo 0)" -ge 20 ] || [ $tries -ge 200 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
stored=$(sqlite3 "$K" "select count(*) from question")
check_eq "kill -9: integrity_check" "$(sqlite3 "$K" 'PRAGMA integrity_check')" "ok"
if [ "$stored" -gt 0 ] && [ "$stored" -lt 500 ]; then ok "kill -9 landed mid-run ($stored of 500 stored)"; else not_ok "kill -9 landed mid-run" "stored $stored"; fi
check_eq "kill -9: every stored page is whole (keywords)" "$(sqlite3 "$K" "select count(*) from question q where (select count(*) from question_keyword k where k.question_id = q.id) <> 5")" "0"
check_eq "kill -9: every stored page is whole (answer sections)" "$(sqlite3 "$K" "select count(*) from question q where (select count(*) from answer a join answer_section s on s.answer_id = a.id where a.question_id = q.id) <> 5")" "0"
check_eq "kill -9: every stored page has its page row" "$(sqlite3 "$K" "select count(*) from question where page_id not in (select id from page)")" "0"
check_eq "kill -9: the FTS index matches the table" "$(sqlite3 "$K" "select count(*) from question_fts")" "$stored"
run pqx run -q --format none --db "$K" $S "$TMP/many"
check_rc "re-running after kill -9 finishes" 0
check_eq "all 500 questions stored" "$(sqlite3 "$K" 'select count(*) from question')" "500"
check_eq "no revisions from re-storing the same pages" "$(sqlite3 "$K" 'select count(*) from question_revision')" "0"
check_eq "FTS integrity after the re-run" "$(sqlite3 "$K" "insert into question_fts(question_fts) values('integrity-check'); select 'ok'")" "ok"

# --- a page that changes megabytes of stored pages: each page is a savepoint, whose
# journal of the changed pages stays in memory however large (a journal of SQLite's
# 3.40 that had to move to a file failed the page with "database or disk is full")
B="$TMP/big.db"
for seed in 1 2; do
	printf '<html><body><p id="id">7-1</p><p id="seed">%s</p></body></html>' "$seed" > "$TMP/big$seed.html"
done
for p in big1 big2 big1; do
	run pqx run -q --force --format none --db "$B" tests/fixtures/db/big.lua "$TMP/$p.html"
	check_rc "a 4 MB question ($p.html): stored" 0
	check_eq "a 4 MB question ($p.html): no error" "$ERR" ""
done
check_eq "a 4 MB question: two sources of it" "$(sqlite3 "$B" 'select count(*) from question_source')" "2"
check_eq "a 4 MB question: its text whole" "$(sqlite3 "$B" 'select length(question_text) from question')" "4467899"
check_eq "a 4 MB question: integrity" "$(sqlite3 "$B" 'pragma integrity_check')" "ok"
check_eq "a 4 MB question: FTS integrity" "$(sqlite3 "$B" "insert into question_fts(question_fts) values('integrity-check'); select 'ok'")" "ok"

done_testing
