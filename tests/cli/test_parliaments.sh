#!/bin/sh
# test_parliaments.sh: all five scripts store into one database, and the README
# queries work across parliaments.
. tests/cli/lib.sh
DB="$TMP/all.db"
for s in be-senate fr-an uk-lords nz de-bundestag; do
	run pqx run -q --format none --db "$DB" scripts/$s.lua examples/$s
	check_rc "$s stores its example pages" 0
done
q() { sqlite3 -batch -noheader "$DB" "$@"; }
check_eq "questions per parliament" "$(q "select group_concat(parliament || '=' || n, ' ') from (select parliament, count(*) n from question group by parliament order by parliament)")" \
	"be-senate=1 de-bundestag=5 fr-an=9 nz=2 uk-lords=15"
check_eq "one withdrawn question (NZ)" "$(q "select id from question where status = 'withdrawn'")" "nz:2009-449"
check_eq "every page stored ok" "$(q "select count(*) from page where status <> 'ok'")" "0"
check_eq "five runs recorded" "$(q "select count(distinct script_name) from run")" "5"
query() { awk -v n="$1" '/^-- name: /{on = ($3 == n); next} on' tests/fixtures/store/queries.sql; }
check_eq "authors query spans parliaments" "$(q "select count(distinct substr(question_id, 1, instr(question_id, ':'))) from question_author")" "5"
out=$(q "$(query questions_per_author_and_party)")
check_contains "authors query: a Lord" "$out" "Lord Harris of Haringey||4"
check_not_contains "authors query: a Bundestag group is no person" "$out" "Fraktion DIE LINKE|"
check_eq "a Bundestag group is an organisation of kind group" \
	"$(q "select count(distinct question_id) from question_author join organisation on organisation.id = organisation_id where organisation.name = 'Fraktion DIE LINKE' and organisation.kind = 'group'")" 4
out=$(q "$(query answer_delay_per_addressee)")
check_contains "delay query: a French ministry" "$out" "Économie et finances|1|168.0|168"
check_contains "delay query: the Belgian addressee" "$out" "toegevoegd aan de minister van Justitie|1|35.0|35"
out=$(q "$(query keyword_counts)")
check_contains "keyword query: French rubrics" "$out" "|an-rubrique|fr|1"
check_contains "keyword query: Bundestag subjects" "$out" "|dip-sachgebiet|de|"
out=$(sqlite3 -batch -noheader "$DB" -cmd ".parameter set :query 'embryos'" "$(query full_text_search)")
check_contains "search finds a Lords answer" "$out" "uk-lords:2008-04-23-HL"
out=$(sqlite3 -batch -noheader "$DB" -cmd ".parameter set :query 'Marine'" "$(query full_text_search)")
check_contains "search finds a Bundestag title" "$out" "de-bundestag:18-75735"
out=$(sqlite3 -batch -noheader "$DB" -cmd ".parameter set :as_of \"'2030-01-01'\"" -cmd ".parameter set :days 30" "$(query unanswered_older_than)")
check_eq "no unanswered question in the examples" "$out" ""
done_testing
