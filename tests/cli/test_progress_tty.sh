#!/bin/sh
# test_progress_tty.sh: the progress line of pqx run on a pseudo-terminal (tmux,
# private socket, fixed window size): pages done / total, rate, ETA and failures for
# a directory; a count without total for a list streamed on stdin; messages printed
# on clean lines; the line gone at the end; nothing with -q or when stderr is no
# terminal. Every wait polls the screen with a generous timeout (the machine may be
# loaded); the streamed list is fed through a FIFO so the test, not the clock,
# decides when the run moves on.
. tests/cli/lib.sh
. tests/cli/lib_tty.sh
tty_init pqxprog
start() { # start COMMAND: a new session; the pane stays after the command ends
	tty_start 120 40 "$1; echo \"[exited \$?]\"; sleep 900"
}

# a script that takes a while on every page, warns on one and fails on another
cat >"$TMP/slow.lua" <<'EOF'
return {
  name = "slow", version = "1", description = "busy on every page",
  extract = function(doc, ctx)
    local x = 0
    for i = 1, 60000000 do x = x + i end
    if ctx.path:find("bad") then error("bad page") end
    if ctx.path:find("warn") then ctx.warn("w") end
    return {}
  end,
}
EOF
mkdir "$TMP/d"
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
	echo "<html><title>$i</title></html>" >"$TMP/d/p$i.html"
done
mv "$TMP/d/p03.html" "$TMP/d/p03-warn.html"
mv "$TMP/d/p05.html" "$TMP/d/p05-bad.html"
PQXC="$PQX_WRAP '$PQX'"

# --- a directory: the total is known
start "$PQXC run '$TMP/slow.lua' '$TMP/d' >/dev/null"
expect "progress: pages done of the total" '^pqx: [0-9]+/20 pages'
expect "progress: pages per second and ETA" '^pqx: [0-9]+/20 pages, [0-9.]+/s, ETA [0-9]+:[0-9][0-9]'
expect "progress: failures so far" '^pqx: [0-9]+/20 pages.*, [01] failed$'
if wait_for '^\[exited 4\]$' 3000; then ok "the run ends"; else not_ok "the run ends" "$(screen | grep -v '^$' | tail -8)"; fi
expect "a warning is printed on a clean line" "^pqx: $TMP/d/p03-warn.html: warning: w\$"
expect "an error is printed on a clean line" "^pqx: $TMP/d/p05-bad.html: slow.lua:6: bad page\$"
expect "the summary is on a clean line" '^pqx: 20 pages in [0-9.:]+ s? ?\([0-9.]+ pages/s\): 19 ok, 1 failed; 0 records$'
no_line "the progress line is gone at the end" '^pqx: [0-9]+/20 pages'

# --- a list on stdin: counted as it comes, no total, no ETA
mkfifo "$TMP/list"
start "$PQXC run '$TMP/slow.lua' - <'$TMP/list' >/dev/null"
exec 3>"$TMP/list"
printf '%s\n' "$TMP/d/p01.html" "$TMP/d/p02.html" >&3
expect "streamed list: pages so far, no total" '^pqx: 2 pages, .*0 failed$'
no_line "streamed list: no ETA without a total" 'ETA'
printf '%s\n' "$TMP/d/p05-bad.html" >&3
expect "streamed list: the failure is counted" '^pqx: 3 pages, .*1 failed$'
expect "streamed list: the error stands on its own line" "^pqx: $TMP/d/p05-bad.html: slow.lua:6: bad page\$"
printf '%s\n' "$TMP/d/p04.html" >&3
exec 3>&-
if wait_for '^\[exited 4\]$' 3000; then ok "streamed list: the run ends at the end of the list"
else not_ok "streamed list: the run ends at the end of the list" "$(screen | grep -v '^$' | tail -8)"; fi
expect "streamed list: the summary" '^pqx: 4 pages in .*: 3 ok, 1 failed; 0 records$'

# --- -q: no progress, no summary
start "$PQXC run -q '$TMP/slow.lua' '$TMP/d/p01.html' '$TMP/d/p02.html' >/dev/null"
expect "-q: the run ends" '^\[exited 0\]$'
no_line "-q: no progress line and no summary" '^pqx:'

# --- stderr not a terminal: no progress line, only the summary
run pqx run "$TMP/slow.lua" "$TMP/d/p01.html" "$TMP/d/p02.html"
check_eq "not a terminal: no carriage return or escape in stderr" "$(printf '%s' "$ERR" | tr -d '\r\033' | wc -c)" "$(printf '%s' "$ERR" | wc -c)"
check_contains "not a terminal: the summary" "$ERR" "pqx: 2 pages in "
done_testing
