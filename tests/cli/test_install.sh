#!/bin/sh
# test_install.sh: `make install PREFIX=...` gives a binary that runs from any
# directory with nothing else (the Lua library is inside it), plus its man page;
# --lua-dev loads the library from a directory instead.
. tests/cli/lib.sh
root=$(pwd)
run make -s install BUILD="${BUILD:-build}" PREFIX="$TMP/prefix"
check_rc "make install" 0
[ -x "$TMP/prefix/bin/pqx" ] && ok "binary installed" || not_ok "binary installed"
[ -f "$TMP/prefix/share/man/man1/pqx.1" ] && ok "man page installed" || not_ok "man page installed"
check_eq "nothing else installed" "$(cd "$TMP/prefix" && find . -type f | sort | tr '\n' ' ')" "./bin/pqx ./share/man/man1/pqx.1 "
cp "$root/scripts/be-senate.lua" "$root/examples/be-senate/5-8916.html" "$TMP/"
run sh -c "cd '$TMP' && '$TMP/prefix/bin/pqx' run be-senate.lua 5-8916.html"
check_rc "the installed binary runs a script elsewhere" 0
check_contains "and extracts the record" "$OUT" '"id":"be-senate:5-8916"'
if command -v man >/dev/null; then
	run man -l "$TMP/prefix/share/man/man1/pqx.1"
	check_contains "the man page renders" "$OUT" "EXIT STATUS"
fi

# --lua-dev: the library comes from the given directory
mkdir -p "$TMP/lib"
cp -r "$root/lua/pqx" "$TMP/lib/"
sed 's/^return setmetatable(pqx, {/pqx.dev_marker = "from the dev tree"\nreturn setmetatable(pqx, {/' "$root/lua/pqx/init.lua" >"$TMP/lib/pqx/init.lua"
cat >"$TMP/dev.lua" <<'LUA'
return {
  name = "dev", version = "1", description = "reads a marker",
  extract = function() return {marker = rawget(pqx, "dev_marker") or "built-in"} end,
}
LUA
run pqx run --lua-dev "$TMP/lib" "$TMP/dev.lua" "$root/tests/fixtures/cli/page-calm.html"
check_contains "--lua-dev loads lua/ from the directory" "$OUT" '"marker":"from the dev tree"'
run pqx run "$TMP/dev.lua" "$root/tests/fixtures/cli/page-calm.html"
check_contains "without it the built-in library is used" "$OUT" '"marker":"built-in"'
run pqx run --lua-dev "$TMP/nowhere" "$TMP/dev.lua" "$root/tests/fixtures/cli/page-calm.html"
check_rc "--lua-dev with a missing directory fails clearly" 1
check_contains "naming the file it looked for" "$ERR" "nowhere/pqx/init.lua"

done_testing
