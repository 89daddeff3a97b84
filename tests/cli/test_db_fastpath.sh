#!/bin/sh
# test_db_fastpath.sh: the C shortcuts of the store (merge_one for a question with one
# source, answer_text_x, answers_insert and the walk of sections and items, and the
# decision before a source is stored that it follows its question, schema version 8) give
# the rows the SQL statements give. Every
# example directory with its script, and two multi-source cases, are stored twice: with
# PQX_STORE_VERIFY=1 (each one-source merge also made by S_MERGE and compared; a
# difference fails the page), with PQX_STORE_SQL=1 (no shortcut) and as a run stores them;
# every table of the three databases must be equal, leaving out the times and run uids that differ between runs.
# Left out, to keep the test short: the three largest list pages (de-ni, de-sh and de-st
# overviews, 3,740 list records of the kind the other pages already have).
. tests/cli/lib.sh

dump() { # DB: every table in rowid order, time columns masked
	python3 - "$1" <<'PY'
import sqlite3, sys
MASK = {"started", "finished", "first_seen", "last_seen", "updated", "stored", "replaced_at", "uid", "seconds"}
db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'question_fts' ORDER BY name"):
    cols = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
    sel = ", ".join("'*'" if c in MASK else f'quote("{c}")' for c in cols)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0] or ""
    order = "run_id, kind, name" if name == "run_stat" else "1" if "WITHOUT ROWID" in sql.upper() else "rowid"
    print("==", name)
    for row in db.execute(f'SELECT {sel} FROM "{name}" ORDER BY {order}'):
        print("|".join(str(x) for x in row))
PY
}

both() { # NAME SCRIPT PAGES...
	name=$1
	shift
	rm -f "$TMP/v.db" "$TMP/s.db" "$TMP/n.db"
	PQX_STORE_VERIFY=1 pqx run -q --format none --db "$TMP/v.db" "$@" 2>"$TMP/verr"
	vrc=$?
	PQX_STORE_SQL=1 pqx run -q --format none --db "$TMP/s.db" "$@" 2>"$TMP/serr"
	src=$?
	pqx run -q --format none --db "$TMP/n.db" "$@" 2>/dev/null
	nrc=$?
	check_eq "$name: stored with the checks on (exit status)" "$vrc $(grep -c PQX_STORE_VERIFY "$TMP/verr")" "$src 0"
	if dump "$TMP/v.db" >"$TMP/v.dump" && dump "$TMP/s.db" >"$TMP/s.dump" &&
		cmp -s "$TMP/v.dump" "$TMP/s.dump"; then
		ok "$name: every table as the SQL path writes it"
	else
		not_ok "$name: every table as the SQL path writes it" "$(diff "$TMP/s.dump" "$TMP/v.dump" | head -5)"
	fi
	if [ "$nrc" = "$src" ] && dump "$TMP/n.db" >"$TMP/n.dump" && cmp -s "$TMP/n.dump" "$TMP/s.dump"; then
		ok "$name: and as a plain run writes it"
	else
		not_ok "$name: and as a plain run writes it" "exit $nrc, $src; $(diff "$TMP/s.dump" "$TMP/n.dump" | head -5)"
	fi
}

for dir in examples/*/; do
	site=$(basename "$dir")
	[ -f "scripts/$site.lua" ] || continue
	pages=$(ls "$dir"*.html | grep -v -e 'de-ni/overview.html' -e 'de-sh/overview.html' -e 'de-st/overview.html')
	# shellcheck disable=SC2086
	both "$site" "scripts/$site.lua" $pages
done
E=examples/be-senate
both "be-senate in two languages" scripts/be-senate.lua $E/5-8916-unanswered.html $E/5-8916.html $E/5-8916-fr.html
both "de-bb list and detail" scripts/de-bb.lua examples/de-bb/detail_614.html examples/de-bb/overview.html
# answers' sections and items walked in C: escapes, missing fields, text in the body
both "answers of many shapes" tests/fixtures/db/shapes.lua tests/fixtures/db/page-shapes.html
rm -f "$TMP/p.db"
PQX_STORE_PROFILE=1 pqx run -q --format none --db "$TMP/p.db" tests/fixtures/db/shapes.lua \
	tests/fixtures/db/page-shapes.html 2>"$TMP/prof"
check_contains "answers of many shapes: their sections bound row by row, not by json_each" "$(cat "$TMP/prof")" \
	"INSERT INTO answer_section (answer_id, position, heading, number, text) VALUES"
check_contains "answers of many shapes: the answers bound from C, not by json_extract" "$(cat "$TMP/prof")" \
	"INSERT INTO answer (question_id, position, date, kind, by_name, intro, body) VALUES"
exit $T_FAILED
