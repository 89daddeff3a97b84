#!/bin/sh
# test_db_version.sh: a database whose schema version (PRAGMA user_version) is
# negative or newer than this pqx is refused with a message that names the file
# and the version found, and the file is left as it was.
. tests/cli/lib.sh
S=scripts/be-senate.lua
P=examples/be-senate/5-8916-unanswered.html

# the version this pqx writes, from a database it makes
run pqx run --format none --db "$TMP/fresh.db" $S $P
CUR=$(sqlite3 "$TMP/fresh.db" 'PRAGMA user_version')
if [ "$CUR" -gt 0 ] 2>/dev/null; then ok "a fresh database has a positive schema version ($CUR)"; else not_ok "a fresh database has a positive schema version" "got: $CUR"; fi

for v in -1 -2147483648; do
	rm -f "$TMP/v.db" "$TMP/v.db-wal" "$TMP/v.db-shm"
	run pqx run --format none --db "$TMP/v.db" $S $P
	check_rc "a fresh database is made ($v)" 0
	sqlite3 "$TMP/v.db" "PRAGMA user_version = $v"
	cp "$TMP/v.db" "$TMP/before.db"
	run pqx run --format none --db "$TMP/v.db" $S $P
	check_rc "schema version $v: database error (exit 7)" 7
	check_contains "schema version $v: the file is named" "$ERR" "pqx: $TMP/v.db:"
	check_contains "schema version $v: the version is named" "$ERR" "database schema version $v (PRAGMA user_version) is not one pqx writes (0 to $CUR)"
	check_not_contains "schema version $v: no 'not an error'" "$ERR" "not an error"
	check_eq "schema version $v: the version is left as it was" "$(sqlite3 "$TMP/v.db" 'PRAGMA user_version')" "$v"
	if cmp -s "$TMP/v.db" "$TMP/before.db"; then ok "schema version $v: the file is unchanged"; else not_ok "schema version $v: the file is unchanged"; fi
done

rm -f "$TMP/v.db" "$TMP/v.db-wal" "$TMP/v.db-shm"
run pqx run --format none --db "$TMP/v.db" $S $P
sqlite3 "$TMP/v.db" "PRAGMA user_version = 99"
run pqx run --format none --db "$TMP/v.db" $S $P
check_rc "a newer schema version: database error (exit 7)" 7
check_contains "a newer schema version is named" "$ERR" "pqx: $TMP/v.db: database schema version 99 is newer than this pqx (version $CUR)"

done_testing
