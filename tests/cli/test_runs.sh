#!/bin/sh
# test_runs.sh: long runs. --db without --format writes nothing to stdout; the end
# summary; incremental re-runs (skipped pages, the reasons pages are not skipped,
# "last seen" only); pqx report against the previous run with a broken script;
# --shard I/N covers every page once; pqx merge of 3 shards of the examples corpus
# gives the questions and child rows of one run over the whole corpus.
. tests/cli/lib.sh
S=scripts/be-senate.lua
E=examples/be-senate
DB="$TMP/q.db"
q() { sqlite3 -batch -noheader "$DB" "$@"; }

# --- 1. --db: records go to the database, stdout only on request
run pqx run --db "$DB" $S $E
check_rc "--db run" 0
check_eq "--db without --format: nothing on stdout" "$OUT" ""
check_eq "--db: the records are stored (Dutch, French; the unanswered Dutch page a revision)" "$(q 'select count(*) from question_source; select count(*) from question_revision')" "2
1"
run pqx run --db "$TMP/other.db" --format jsonl $S $E/5-8916.html
check_contains "--db --format jsonl: records on stdout too" "$OUT" '"id":"be-senate:5-8916"'
run pqx run $S $E/5-8916.html
check_contains "without --db: JSON lines as before" "$OUT" '"id":"be-senate:5-8916"'

# --- 2. the summary, and the run's figures in the database
rm -f "$DB"*
run pqx run --db "$DB" $S $E
check_contains "summary: pages ok, failed, skipped and records" "$ERR" "): 3 ok, 0 failed, 0 skipped (unchanged); 3 records stored"
check_contains "summary: new, changed and unchanged questions" "$ERR" "pqx: questions: 1 new, 2 changed, 0 unchanged"
check_contains "summary: why pages ran" "$ERR" "pqx: not skipped: new page 3"
check_contains "summary: the time" "$ERR" "pqx: 3 pages in "
check_eq "run row: figures" "$(q 'select pages_ok, pages_failed, pages_skipped, records, questions_new, questions_changed, questions_unchanged, seconds > 0 from run')" "3|0|0|3|1|2|0|1"
check_eq "run_stat: records and reasons" "$(q "select kind || ' ' || name || ' ' || count from run_stat where kind in ('total', 'rerun') order by kind")" "rerun new page 3
total records 3"
check_eq "run_stat: a field's coverage" "$(q "select count from run_stat where kind = 'field' and name = 'dates.answered'")" "2"
run pqx run -q --db "$DB" $S $E
check_eq "-q: no summary" "$ERR" ""

cat >"$TMP/fails.lua" <<'EOF'
return {
  name = "fails", version = "1", description = "fails on two of three pages",
  extract = function(doc, ctx)
    if ctx.path:find("fr") then error("no French here") end
    if ctx.path:find("unanswered") then return {{schema = "pqx.question/1", id = 1}} end
    return {}
  end,
}
EOF
run pqx run $TMP/fails.lua $E
check_contains "failures grouped by cause with the first path" "$ERR" "pqx: failures by cause:"
check_contains "a script error's cause and first page" "$ERR" "1 x script error: fails.lua:4: no French here (first: $E/5-8916-fr.html)"
check_contains "a validation failure's cause" "$ERR" "1 x validation: "
check_contains "and its page" "$ERR" "(first: $E/5-8916-unanswered.html)"
rm -f "$TMP/f.db"*
pqx run -q --db "$TMP/f.db" $TMP/fails.lua $E
check_eq "the causes are kept in run_stat" "$(sqlite3 "$TMP/f.db" "select count || ' ' || name || ' ' || first_path from run_stat where kind = 'cause' and name like 'script error%'")" "1 script error: fails.lua:4: no French here $E/5-8916-fr.html"

# --- 3. incremental re-runs
rm -f "$DB"*
run pqx run --db "$DB" $S $E
dump() { sqlite3 -batch -noheader "$DB" "select id, title, status, record_sha256, revision, first_seen, updated from question; select question_id, kind, source, record_sha256, updated from question_source; select * from question_revision; select path, content_sha256, status, first_seen_run from page order by path; select count(*) from page_warning"; }
before=$(dump)
run pqx run --db "$DB" $S $E
check_rc "unchanged re-run" 0
check_contains "every page skipped" "$ERR" "): 0 ok, 0 failed, 3 skipped (unchanged); 0 records stored"
check_eq "a skipped re-run changes nothing but last seen" "$(dump)" "$before"
check_eq "skipped pages are seen by the new run (page)" "$(q 'select group_concat(last_seen_run) from page')" "2,2,2"
check_eq "skipped pages are seen by the new run (question, sources)" "$(q 'select last_seen_run from question; select group_concat(last_seen_run) from question_source')" "2
2,2"
check_eq "the report's figures count skipped pages" "$(q "select count from run_stat where run_id = 2 and kind = 'field' and name = 'dates.answered'")" "2"
run pqx run --format json --db "$DB" $S $E/5-8916.html
check_contains "--format json marks a skipped page" "$OUT" '"status": "skipped"'
run pqx run --force --db "$DB" $S $E
check_contains "--force parses every page" "$ERR" "): 3 ok, 0 failed, 0 skipped"
check_contains "--force is the reason" "$ERR" "not skipped: --force 3"
check_contains "--force: the questions are unchanged" "$ERR" "questions: 0 new, 0 changed, 3 unchanged"
mkdir "$TMP/pages"
cp $E/*.html "$TMP/pages/"
run pqx run --db "$DB" $S "$TMP/pages"
check_contains "other paths are new pages" "$ERR" "not skipped: new page 3"
sed 's/Taelman/Taelmann/' $E/5-8916.html >"$TMP/pages/5-8916.html"
cp $S "$TMP/be-senate.lua"
printf '\n-- a comment changes the script hash\n' >>"$TMP/be-senate.lua"
run pqx run --db "$DB" $S "$TMP/pages"
check_contains "a changed page is parsed, the others skipped" "$ERR" "): 1 ok, 0 failed, 2 skipped"
check_contains "content changed is the reason" "$ERR" "not skipped: content changed 1"
run pqx run --db "$DB" "$TMP/be-senate.lua" "$TMP/pages"
check_contains "a changed script re-runs every page" "$ERR" "not skipped: script changed 3"
run pqx run --db "$DB" --encoding windows-1252 "$TMP/be-senate.lua" "$TMP/pages"
check_contains "other decoding options re-run every page" "$ERR" "not skipped: options changed 3"
run pqx run --db "$DB" --encoding windows-1252 --lua-dev lua/ "$TMP/be-senate.lua" "$TMP/pages"
check_contains "--lua-dev never skips (the library may have changed)" "$ERR" "not skipped: --lua-dev (the library may have changed) 3"
printf 'not a page at all' >"$TMP/pages/broken.html"
cat >"$TMP/picky.lua" <<'EOF'
return {
  name = "be-senate", version = "1", description = "fails on the broken page",
  extract = function(doc, ctx)
    if ctx.path:find("broken") then error("broken page") end
    return {}
  end,
}
EOF
run pqx run --db "$DB" "$TMP/picky.lua" "$TMP/pages/broken.html"
check_rc "a failing page" 4
run pqx run --db "$DB" "$TMP/picky.lua" "$TMP/pages/broken.html"
check_contains "a page whose last run failed runs again" "$ERR" "not skipped: last run failed 1"

# --- 4. pqx report: the second run with a broken script
R="$TMP/r.db"
sed 's/^  rec.dates.answered = a.date/  -- the site moved the answer date/' $S >"$TMP/broken.lua"
pqx run -q --db "$R" $S $E
run pqx report "$R"
check_rc "report after one run: nothing to flag" 0
check_contains "one run: says there is nothing to compare" "$OUT" "no previous run to compare with"
pqx run -q --db "$R" "$TMP/broken.lua" $E
run pqx report "$R"
check_rc "report flags a drop: exit 8" 8
check_contains "report: the field side by side" "$OUT" "dates.answered"
check_contains "report: the flag names script, field and shares" "$OUT" "be-senate dates.answered 67% -> 0%"
check_not_contains "report: a field that held is not flagged" "$OUT" "be-senate title"
run pqx report --format json "$R"
check_rc "json report: exit 8 too" 8
check_eq "json report: valid JSON with the flag" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); f=[x for x in d["scripts"][0]["fields"] if x["name"]=="dates.answered"][0]; print(d["flags"], f["previous_share"], f["share"], f["flagged"])')" "['be-senate dates.answered 67% -> 0%'] 0.6667 0.0 True"
printf 'return { name = "be-senate", version = "2", description = "x", extract = function() error("site redesigned") end }\n' >"$TMP/dead.lua"
pqx run -q --db "$TMP/dead.db" $S $E
pqx run -q --db "$TMP/dead.db" "$TMP/dead.lua" $E
run pqx report "$TMP/dead.db"
check_rc "a run where every page fails: flagged" 8
check_contains "it says the records are gone" "$OUT" "be-senate: no records (previous run: 3)"
check_contains "and counts the failures by kind" "$OUT" "script error                        0          3"
run pqx report --margin 70 "$R"
check_rc "a drop within the margin: exit 0" 0
run pqx report --script nz "$R"
check_rc "report on a script without runs: exit 3" 3
run pqx report --margin lots "$R"
check_rc "bad --margin: usage" 2
run pqx report "$TMP/missing.db"
check_rc "missing database: exit 3" 3
printf 'junk' >"$TMP/junk.db"
run pqx report "$TMP/junk.db"
check_contains "not a database: named" "$ERR" "$TMP/junk.db"

# --- 5. shards: every page in exactly one shard
C="$TMP/corpus"
mkdir "$C"
for s in be-senate fr-an nz uk-lords de-bundestag; do cp examples/$s/*.html "$C/" 2>/dev/null; done
all=$(pqx run -q --format jsonl tests/fixtures/cli/titles.lua "$C" | sort)
parts=$(for i in 1 2 3; do pqx run -q --shard $i/3 --format jsonl tests/fixtures/cli/titles.lua "$C"; done | sort)
check_eq "the three shards together are the whole corpus, once" "$parts" "$all"
run pqx run --shard 2/3 tests/fixtures/cli/titles.lua "$C"
check_contains "a shard says how many pages it left out" "$ERR" "pqx: shard 2/3: "
run pqx run --shard 4/3 tests/fixtures/cli/titles.lua "$C"
check_rc "--shard 4/3 is a usage error" 2
run pqx run --shard 0/3 tests/fixtures/cli/titles.lua "$C"
check_rc "--shard 0/3 is a usage error (shards count from 1)" 2

# --- 6. merge: 3 shards of the examples corpus = one run over the whole corpus
W="$TMP/whole.db"
for site in examples/*/; do
	s=scripts/$(basename "$site").lua
	[ -f "$s" ] || continue
	pqx run -q --db "$W" "$s" "$site"
	for i in 1 2 3; do pqx run -q --shard $i/3 --db "$TMP/s$i.db" "$s" "$site"; done
done
run pqx merge "$TMP/m.db" "$TMP/s1.db" "$TMP/s2.db" "$TMP/s3.db"
check_rc "merge of three shards" 0
check_contains "merge says what it replayed" "$ERR" "pqx merge: 3 databases, "
qdump() { # questions and child rows, without times, run and row ids
	sqlite3 -batch -noheader "$1" "
select id, parliament, term, number, type, lang, page_lang, title, status, date_asked, date_answered, date_published, date_due, date_withdrawn, source_url, question_text, answer_text, keywords, translations, revision, record_sha256, record, extra from question order by id;
select question_id, kind, source, view, lang, as_of, record_sha256, record from question_source order by 1, 2, 3;
select question_id, kind, source, record_sha256 from question_revision order by 1, 2, 3, 4;
select question_id, lang, original, title, question_text, answer_text, keywords, record from question_translation order by 1, 2;
select question_id, position, field, kind, source, value, chosen_kind, chosen_source, chosen_value from question_conflict order by 1, 2;
select a.question_id, a.position, p.name, y.name, a.raw, a.constituency, a.ref from question_author a join person p on p.id = a.person_id left join party y on y.id = a.party_id order by 1, 2;
select * from question_addressee order by 1, 2;
select * from question_part order by 1, 2;
select question_id, position, date, kind, by_name, intro, body from answer order by 1, 2;
select a.question_id, a.position, s.position, s.heading, s.number, s.text from answer_section s join answer a on a.id = s.answer_id order by 1, 2, 3;
select a.question_id, a.position, s.position, i.position, i.number, i.text from answer_item i join answer_section s on s.id = i.section_id join answer a on a.id = s.answer_id order by 1, 2, 3, 4;
select q.question_id, q.position, k.label, k.scheme, k.lang from question_keyword q join keyword k on k.id = q.keyword_id order by 1, 2;
select * from event order by 1, 2;
select * from related order by 1, 2;
select * from attachment order by 1, 2;"
}
pdump() { # provenance: page versions, their warnings (as a set), page checks
	sqlite3 -batch -noheader "$1" "
select path, content_sha256, bytes, encoding, encoding_source, status, error, warnings from page order by 1, 2;
select p.path, w.question_id, w.message from page_warning w join page p on p.id = w.page_id order by 1, 2, 3;
select path, script_name, content_sha256, script_sha256, status, questions from page_check order by 1, 2;"
}
qdump "$W" >"$TMP/whole.txt"
qdump "$TMP/m.db" >"$TMP/merged.txt"
check_eq "merged shards: the same questions and child rows as one run" "$(cmp "$TMP/whole.txt" "$TMP/merged.txt" && echo same)" "same"
check_eq "the comparison is not empty" "$([ "$(grep -c . "$TMP/whole.txt")" -gt 1000 ] && echo yes)" "yes"
check_eq "merged shards: the same pages, page warnings and page checks" "$(pdump "$TMP/m.db")" "$(pdump "$W")"
check_eq "every shard run is kept, with its shard" "$(sqlite3 "$TMP/m.db" "select count(*) = (select count(*) from run where shard like '_/3') from run")" "1"
check_eq "each run says where it was merged from" "$(sqlite3 "$TMP/m.db" "select count(distinct merged_from) from run")" "3"
check_eq "the FTS index is consistent" "$(sqlite3 "$TMP/m.db" "insert into question_fts(question_fts, rank) values('integrity-check', 1); select 'ok'")" "ok"
before=$(qdump "$TMP/m.db"; sqlite3 "$TMP/m.db" "select count(*) from run; select count(*) from page_warning")
run pqx merge "$TMP/m.db" "$TMP/s2.db"
check_rc "merging a shard again" 0
check_eq "merging a shard again changes nothing" "$(qdump "$TMP/m.db"; sqlite3 "$TMP/m.db" "select count(*) from run; select count(*) from page_warning")" "$before"
run pqx run --db "$TMP/m.db" $S $E
check_contains "a run on the merged database skips the merged pages" "$ERR" "3 skipped (unchanged)"
run pqx merge "$TMP/m.db" "$TMP/m.db"
check_rc "merging a database into itself: usage" 2
run pqx merge "$TMP/m2.db" "$TMP/junk.db"
check_rc "merging a file that is no pqx database: exit 3" 3
check_contains "and it is named" "$ERR" "$TMP/junk.db"
run pqx merge "$TMP/m2.db" "$TMP/s1.db" "$TMP/nothing.db"
check_rc "a missing input: exit 3" 3
cp tests/fixtures/migrate/v1.db "$TMP/v1.db"
v1sum=$(cksum <"$TMP/v1.db")
run pqx merge "$TMP/m3.db" "$TMP/v1.db"
check_rc "an input of schema version 1 merges" 0
check_eq "the old input is not changed" "$(cksum <"$TMP/v1.db")" "$v1sum"
check_eq "its questions arrive" "$(sqlite3 "$TMP/m3.db" "select count(*) from question")" "$(sqlite3 "$TMP/v1.db" "select count(*) from question")"

# --- 7. the README recipe: GNU parallel over the shards, then pqx merge
if command -v parallel >/dev/null 2>&1; then
	parallel --will-cite -j 3 "$PQX" run -q --shard {}/3 --db "$TMP/p{}.db" scripts/fr-an.lua examples/fr-an ::: 1 2 3
	check_eq "parallel -j 3: every shard run succeeds" "$?" "0"
	pqx run -q --db "$TMP/fr.db" scripts/fr-an.lua examples/fr-an
	run pqx merge "$TMP/pm.db" "$TMP/p1.db" "$TMP/p2.db" "$TMP/p3.db"
	check_eq "parallel shards merged: the questions of one run" "$(qdump "$TMP/pm.db")" "$(qdump "$TMP/fr.db")"
else
	not_ok "GNU parallel is installed (tools/deps.sh installs it)"
fi
done_testing
