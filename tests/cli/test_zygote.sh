#!/bin/sh
# test_zygote.sh: the workers of pqx run are forked by the zygote, a small process
# the supervisor starts right after loading the script. A run survives the
# zygote's death (the supervisor forks the workers itself), and no zygote or
# worker is left behind after a run, a Ctrl-C or a timeout.
. tests/cli/lib.sh
H=tests/fixtures/hostile
P=$TMP/p
mkdir -p "$P"
for c in hang plain plain_2 plain_3; do
	printf '<html><head><title>T</title></head><body><p>hello  world</p></body></html>' >"$P/$c.html"
done
untimed() { sed 's/ in [0-9.:]* s\{0,1\} ([0-9.]* pages\/s)//' "$1"; }
# gone PID: the process does not exist any more (not even as a zombie)
gone() { [ -z "$(ps -o stat= -p "$1" 2>/dev/null)" ]; }
# dead PID: not running. After the supervisor itself is stopped its children
# belong to init, which reaps them (a container's PID 1 may not: a zombie then)
dead() { case "$(ps -o stat= -p "$1" 2>/dev/null)" in ""|Z*) return 0 ;; *) return 1 ;; esac; }
# waits until the supervisor $1 has a child named $2 and prints its pid
child_named() {
	for _ in $(seq 1 80); do
		c=$(pgrep -x "$2" -P "$1" | head -1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.05
	done
	return 1
}
PAGES="$P/plain.html $P/hang.html $P/plain_2.html $P/plain_3.html"

# the reference: the hanging page stopped by --timeout, the others fine
"$PQX" run --timeout 1 $H/hostile.lua $PAGES >"$TMP/ref.out" 2>"$TMP/ref.err"
ref_rc=$?
check_eq "reference run: three records" "$(grep -c '"page":"plain' "$TMP/ref.out")" "3"

# 1. the zygote killed (-9) mid-run: the run completes, exactly as without that
for j in 1 2; do
	"$PQX" run -j $j --timeout 1 $H/hostile.lua $PAGES >"$TMP/k.out" 2>"$TMP/k.err" &
	sup=$!
	z=$(child_named $sup pqx-zygote)
	w=$(child_named $sup pqx)
	[ -n "$z" ] && kill -9 "$z"
	wait $sup
	RC=$?
	check_eq "-j $j: the zygote was found and killed" "$([ -n "$z" ] && echo yes)" "yes"
	check_eq "-j $j: zygote killed: same exit code" "$RC" "$ref_rc"
	check_eq "-j $j: zygote killed: same records" "$(cat "$TMP/k.out")" "$(cat "$TMP/ref.out")"
	check_eq "-j $j: zygote killed: same messages" "$(untimed "$TMP/k.err")" "$(untimed "$TMP/ref.err")"
	# 2. nothing left behind: the zygote reaped, the stopped worker reaped
	check_eq "-j $j: the killed zygote is reaped" "$(gone "$z" && echo gone)" "gone"
	check_eq "-j $j: the timed-out worker is gone" "$(gone "$w" && echo gone)" "gone"
done

# 2b. a normal run leaves no zygote behind
"$PQX" run --timeout 1 $H/hostile.lua $PAGES >"$TMP/n.out" 2>"$TMP/n.err" &
sup=$!
z=$(child_named $sup pqx-zygote)
wait $sup
check_eq "after a run: the zygote existed and is gone" "$([ -n "$z" ] && gone "$z" && echo gone)" "gone"

# 2c. a run of one file forks its worker without a zygote (the worker is the
# supervisor's only child), with the same result as the page in a longer run
"$PQX" run --timeout 0 --max-instructions 0 $H/hostile.lua "$P/hang.html" >/dev/null 2>&1 &
sup=$!
w=$(child_named $sup pqx)
kids=$(pgrep -P $sup | wc -l)
z=$(pgrep -x pqx-zygote -P $sup | head -1)
kill -9 $sup 2>/dev/null
wait $sup 2>/dev/null
[ -n "$w" ] && kill -9 "$w" 2>/dev/null
check_eq "one file: a worker and no zygote" "$([ -n "$w" ] && [ -z "$z" ] && echo "$kids")" "1"
"$PQX" run $H/hostile.lua "$P/plain.html" >"$TMP/one.out" 2>"$TMP/one.err"
check_eq "one file: exit 0" "$?" "0"
check_eq "one file: the record of the longer run" "$(cat "$TMP/one.out")" "$(grep '"page":"plain"' "$TMP/ref.out" | head -1)"

# 3. Ctrl-C (SIGINT to the whole process group, SIGINT not ignored): nothing left
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
os.execv(sys.argv[1], sys.argv[1:])' "$PQX" run --timeout 0 --max-instructions 0 $H/hostile.lua "$P/hang.html" "$P/plain.html" \
	>/dev/null 2>"$TMP/int.err" &
sup=$!
z=$(child_named $sup pqx-zygote)
w=$(child_named $sup pqx)
/bin/kill -INT -- -$sup
wait $sup
RC=$?
check_eq "Ctrl-C: the run is stopped by SIGINT" "$RC" "130"
sleep 0.5
check_eq "Ctrl-C: the zygote existed and is stopped" "$([ -n "$z" ] && dead "$z" && echo gone)" "gone"
check_eq "Ctrl-C: the hanging worker existed and is stopped" "$([ -n "$w" ] && dead "$w" && echo gone)" "gone"

# 4. timeout(1) stops the run: the zygote does not outlive it
timeout 1 "$PQX" run --timeout 0 --max-instructions 0 $H/hostile.lua "$P/hang.html" "$P/plain.html" >/dev/null 2>&1 &
tpid=$!
sup=$(child_named $tpid pqx)
z=$(child_named "$sup" pqx-zygote)
wait $tpid
sleep 0.5
check_eq "timeout(1): the zygote existed and is stopped" "$([ -n "$z" ] && dead "$z" && echo gone)" "gone"

# 5. a worker forked by the zygote that dies by a signal is reported with it
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0" \
	"$PQX" run --timeout 0 --max-instructions 0 $H/hostile.lua "$P/plain.html" "$P/hang.html" >"$TMP/s.out" 2>"$TMP/s.err" &
sup=$!
w=""
for _ in $(seq 1 80); do
	[ -s "$TMP/s.out" ] && w=$(pgrep -x pqx -P $sup | head -1) && [ -n "$w" ] && break
	sleep 0.05
done
[ -n "$w" ] && kill -SEGV "$w"
wait $sup
RC=$?
check_rc "a worker killed by SIGSEGV is exit 1" 1
check_contains "reported with its signal" "$(cat "$TMP/s.err")" "hang.html: the worker process for this page died: signal 11"
done_testing
