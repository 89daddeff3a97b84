# lib_tty.sh: a pseudo-terminal for the CLI tests (sourced after lib.sh). Each test
# gets a private tmux server (socket TTY_NAME plus the test's pid, no config file)
# and a fixed window size, so the screen is the same on every machine. Waits poll
# the screen with a generous timeout instead of sleeping: a loaded machine is slow,
# and a wait that succeeds costs only the time it takes.
#   tty_init NAME          set up the server's socket name and the EXIT cleanup;
#                          without tmux: one failed check, and the test ends
#   tty_start W H COMMAND  a new session of W x H running COMMAND; the previous
#                          session goes after the new one exists, so the server
#                          never shuts down in between
#   screen                 the current session's screen (and TTY_SCROLLBACK lines
#                          above it, when set)
#   keys KEY...            tmux key names: Enter, Tab, C-c, C-d, Up
#   type_text TEXT         literal text
#   wait_for REGEX [TENTHS]  until a screen line matches (default 60 s); gives up
#                          early when the session is gone
#   expect NAME REGEX      a check: a screen line comes to match
#   no_line NAME REGEX     a check: no screen line matches now
S=0
tty_init() {
	TTY_SOCK=$1$$
	trap 'exec 3>&- 2>/dev/null; tmux -L "$TTY_SOCK" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
	if ! command -v tmux >/dev/null 2>&1; then
		not_ok "tmux is installed (tools/deps.sh installs it)"
		done_testing
	fi
}
T() { tmux -L "$TTY_SOCK" -f /dev/null "$@"; }
tty_start() {
	S=$((S + 1))
	T new-session -d -s "s$S" -x "$1" -y "$2" -c "$(pwd)" "$3"
	if [ "$S" -gt 1 ]; then T kill-session -t "s$((S - 1))"; fi
}
screen() {
	if [ -n "${TTY_SCROLLBACK:-}" ]; then
		T capture-pane -p -t "s$S" -S "-$TTY_SCROLLBACK" 2>/dev/null
	else
		T capture-pane -p -t "s$S" 2>/dev/null
	fi
}
keys() { T send-keys -t "s$S" "$@"; }
type_text() { T send-keys -t "s$S" -l "$1"; }
wait_for() {
	n=0
	while [ "$n" -lt "${2:-600}" ]; do
		screen | grep -Eq -- "$1" && return 0
		T has-session -t "s$S" 2>/dev/null || return 1 # the session is gone: no use waiting
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}
expect() {
	if wait_for "$2"; then ok "$1"; else not_ok "$1" "no screen line matches: $2" "$(screen | grep -v '^$' | tail -8)"; fi
}
no_line() {
	if screen | grep -Eq -- "$2"; then not_ok "$1" "$(screen | grep -E -- "$2" | head -3)"; else ok "$1"; fi
}
