#!/bin/sh
# test_db_faults.sh: a database pqx cannot or must not write: garbage, a newer
# schema, a read-only file, a file another process has locked, a full disk. Each
# gets a clear error naming the file (exit 7), leaves the file as it was (or, for
# the full disk, whole and consistent), and a re-run once the fault is gone completes.
. tests/cli/lib.sh
S=scripts/be-senate.lua
E=examples/be-senate
sum() { sha256sum "$1" | cut -d' ' -f1; }

# --- garbage
head -c 8192 /dev/urandom > "$TMP/garbage.db"
before=$(sum "$TMP/garbage.db")
run pqx run --format none --db "$TMP/garbage.db" $S $E/5-8916.html
check_rc "garbage database: exit 7" 7
check_contains "garbage database: the file is named" "$ERR" "garbage.db: "
check_contains "garbage database: said plainly" "$ERR" "file is not a database"
check_eq "garbage database: the file is unchanged" "$(sum "$TMP/garbage.db")" "$before"

# --- a schema newer than this pqx
run pqx run --format none --db "$TMP/new.db" $S $E/5-8916.html
sqlite3 "$TMP/new.db" "PRAGMA user_version = 99"
before=$(sum "$TMP/new.db")
run pqx run --format none --db "$TMP/new.db" $S $E/5-8916-fr.html
check_rc "newer schema: exit 7" 7
check_contains "newer schema: named, with its version" "$ERR" "new.db: "
check_contains "newer schema: says it is newer" "$ERR" "newer"
check_eq "newer schema: the file is unchanged" "$(sum "$TMP/new.db")" "$before"

# --- a read-only file (root may write anything: run pqx as nobody)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir "$TMP/ro" && chmod 755 "$TMP" "$TMP/ro"
	run pqx run --format none --db "$TMP/ro/q.db" $S $E/5-8916.html
	chmod 444 "$TMP/ro/q.db"
	before=$(sum "$TMP/ro/q.db")
	run setpriv --reuid=nobody --regid=nogroup --clear-groups "$PQX" run --format none --db "$TMP/ro/q.db" $S $E/5-8916-fr.html
	check_rc "read-only database: exit 7" 7
	check_contains "read-only database: named, and why" "$ERR" "q.db: cannot configure database: attempt to write a readonly database"
	check_eq "read-only database: the file is unchanged" "$(sum "$TMP/ro/q.db")" "$before"
else
	ok "read-only database # skip: needs root and setpriv to run pqx as another user"
fi

# --- a database another process holds an exclusive lock on: pqx waits, then says so
run pqx run --format none --db "$TMP/l.db" $S $E/5-8916.html
(printf 'BEGIN EXCLUSIVE;\nUPDATE run SET pqx_version = pqx_version;\n'; sleep 8) | sqlite3 "$TMP/l.db" &
locker=$!
sleep 0.5
run pqx run --format none --db "$TMP/l.db" $S $E/5-8916-fr.html
check_rc "locked database: exit 7" 7
check_contains "locked database: named, and why" "$ERR" "l.db: run: cannot record the run: database is locked"
kill $locker 2>/dev/null
wait $locker 2>/dev/null
run pqx run --format none --db "$TMP/l.db" $S $E/5-8916-fr.html
check_rc "locked database: the re-run after the lock completes" 0
check_eq "locked database: both language versions stored" "$(sqlite3 "$TMP/l.db" "select group_concat(lang, ' ') from (select lang from question_translation order by lang)")" "fr nl"

# --- a full disk: a 1.5 MB tmpfs fills up in the middle of a 60-page run
if [ "$(id -u)" = 0 ] && mkdir "$TMP/small" && mount -t tmpfs -o size=1500k tmpfs "$TMP/small" 2>/dev/null; then
	trap 'umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT
	"${BUILD:-build}/bench-gen" "$TMP/pages" 60 7 >/dev/null
	run pqx run --format none --db "$TMP/small/q.db" $S "$TMP"/pages/*.html
	check_rc "full disk: exit 7" 7
	check_contains "full disk: the page and the cause are named" "$ERR" "html: database: cannot commit the page: database or disk is full"
	stored=$(sqlite3 "$TMP/small/q.db" "select count(*) from page where status = 'ok'")
	check_eq "full disk: the database is intact" "$(sqlite3 "$TMP/small/q.db" "pragma integrity_check; pragma foreign_key_check")" "ok"
	check_eq "full disk: every page stored ok has its question" "$(sqlite3 "$TMP/small/q.db" "select count(*) from question")" "$stored"
	check_eq "full disk: the FTS index agrees" "$(sqlite3 "$TMP/small/q.db" "insert into question_fts(question_fts) values('integrity-check'); select 'ok'")" "ok"
	if [ "$stored" -gt 0 ] && [ "$stored" -lt 60 ]; then ok "full disk: some pages stored before the disk filled ($stored)"; else not_ok "full disk: some pages stored before the disk filled" "$stored"; fi
	mount -o remount,size=80m "$TMP/small"  # the 60 pages take about 20 MB
	run pqx run --format none --db "$TMP/small/q.db" $S "$TMP"/pages/*.html
	check_rc "full disk: the re-run with space completes" 0
	check_eq "full disk: all 60 questions after the re-run" "$(sqlite3 "$TMP/small/q.db" "select count(*) from question")" "60"
	check_eq "full disk: no page left as an error" "$(sqlite3 "$TMP/small/q.db" "select count(*) from page where status != 'ok'")" "0"
	umount "$TMP/small"
else
	ok "full disk # skip: needs root to mount a small tmpfs"
fi
exit $T_FAILED
