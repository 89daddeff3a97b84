#!/bin/sh
# deps.sh: makes sure the Debian packages pqx needs to build and test are there.
# As root it installs what is missing (apt-get); otherwise it prints the exact
# apt-get line and stops with status 1.
#   sh tools/deps.sh        what the build and the test suite need
#   sh tools/deps.sh fuzz   that, plus clang and its libFuzzer/sanitizer runtime
#                           (make fuzz-build, make fuzz; not needed otherwise)
set -u
PKGS="build-essential pkg-config liblua5.4-dev libgumbo-dev libpcre2-dev libsqlite3-dev libedit-dev zlib1g-dev sqlite3 sqlite-utils tmux python3 time lua-check wget parallel"
case "${1:-}" in
"") ;;
fuzz) PKGS="$PKGS clang libclang-rt-dev" ;;
*)
	echo "usage: sh tools/deps.sh [fuzz]" >&2
	exit 2
	;;
esac
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "pqx needs these Debian packages; as root, run:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq $missing >&2 || exit 1
