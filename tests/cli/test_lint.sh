#!/bin/sh
# test_lint.sh: luacheck (Debian package lua-check, installed by tools/deps.sh) over
# the embedded library, every parliament script and the fuzz script: no warning, no error. Scripts
# see one global, pqx.
. tests/cli/lib.sh
if ! command -v luacheck >/dev/null 2>&1; then
	not_ok "luacheck is installed (tools/deps.sh installs lua-check)"
	exit $T_FAILED
fi
for f in lua/pqx/*.lua scripts/*.lua fuzz/generic.lua; do
	out=$(luacheck --no-color --codes --globals pqx -- "$f" 2>&1)
	case "$out" in
	*"0 warnings / 0 errors"*) ok "luacheck: $f" ;;
	*) not_ok "luacheck: $f" "$(printf '%s\n' "$out" | grep -E '^ +[^ ].*:[0-9]+:[0-9]+:' | head -5)" ;;
	esac
done
exit $T_FAILED
