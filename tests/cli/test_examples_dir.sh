#!/bin/sh
# test_examples_dir.sh: `pqx test --examples DIR` takes one site's own folder
# (DIR/PAGE.html with DIR/PAGE.expected.json beside it). A DIR that holds other
# sites' pages (the parent of all sites, or another site's folder) is refused
# with a message naming the expected layout, before any page runs, so --update
# never rewrites another site's expected files.
. tests/cli/lib.sh
root=$(pwd)
R="$TMP/proj"
page="$root/tests/fixtures/cli/page-calm.html"
for site in aa-site bb-site; do
	mkdir -p "$R/scripts" "$R/examples/$site"
	cat >"$R/scripts/$site.lua" <<EOF
return {name = "$site", version = "1", description = "a test site",
  extract = function(doc)
    local t = doc:one("title"):text()
    return {{parliament = "$site", id = "$site:" .. t, title = t}}
  end}
EOF
	cp "$page" "$R/examples/$site/page-calm.html"
	run pqx test --update "$R/scripts/$site.lua"
	check_contains "$site: --update writes the first expected file" "$OUT" "updated"
done
A="$R/scripts/aa-site.lua"
layout="--examples DIR wants the site's own folder, DIR/PAGE.html with DIR/PAGE.expected.json beside it (for aa-site.lua: examples/aa-site)"

run pqx test --examples "$R/examples/aa-site" "$A"
check_rc "the site's own folder: passes" 0
check_contains "and runs its page" "$OUT" "PASS $R/examples/aa-site/page-calm.html"

run pqx test --examples "$R/examples" "$A"
check_rc "the parent of all sites is refused (usage error)" 2
check_contains "the message names the subfolders" "$ERR" \
	"pqx test: $R/examples holds other sites' folders (aa-site/, bb-site/), not one site's pages"
check_contains "and the expected layout" "$ERR" "$layout"
check_not_contains "no page ran" "$OUT" "PASS"

run pqx test --examples "$R/examples/" "$A"
check_rc "a trailing slash makes no difference" 2

run pqx test --tap --examples "$R/examples" "$A"
check_contains "--tap: the refusal is a not ok line" "$OUT" "not ok - pqx test: $R/examples holds other sites' folders"

cp "$R/examples/bb-site/page-calm.expected.json" "$TMP/bb.json"
run pqx test --update --examples "$R/examples/bb-site" "$A"
check_rc "another site's folder is refused" 2
check_contains "the message names whose records they are" "$ERR" \
	"pqx test: $R/examples/bb-site holds another site's pages: its expected records are bb-site's ($R/scripts/bb-site.lua), not aa-site's"
check_contains "and the expected layout" "$ERR" "$layout"
if cmp -s "$TMP/bb.json" "$R/examples/bb-site/page-calm.expected.json"; then
	ok "--update left the other site's expected file alone"
else
	not_ok "--update left the other site's expected file alone"
fi

# a folder mixing expected records of two parliaments
mkdir -p "$TMP/mixed"
cp "$R/examples/aa-site/page-calm.html" "$TMP/mixed/a.html"
cp "$R/examples/aa-site/page-calm.expected.json" "$TMP/mixed/a.expected.json"
cp "$R/examples/bb-site/page-calm.html" "$TMP/mixed/b.html"
cp "$R/examples/bb-site/page-calm.expected.json" "$TMP/mixed/b.expected.json"
run pqx test --examples "$TMP/mixed" "$A"
check_rc "expected records of two parliaments: refused" 2
check_contains "the message names both" "$ERR" \
	"pqx test: $TMP/mixed holds expected records of several parliaments (aa-site, bb-site), not one site's pages"

# what stays allowed: a site folder with its own subfolders, and a script
# whose file name is not its parliament's
mkdir -p "$R/examples/aa-site/2024"
cp "$R/examples/aa-site/page-calm.html" "$R/examples/aa-site/2024/p2.html"
cp "$R/examples/aa-site/page-calm.expected.json" "$R/examples/aa-site/2024/p2.expected.json"
run pqx test "$A"
check_rc "a site's own subfolder of pages is fine" 0
check_contains "and its pages run" "$OUT" "2 pages, 0 failed"
mkdir -p "$TMP/other"
sed 's/name = "aa-site"/name = "renamed"/' "$A" >"$TMP/other/renamed.lua"
run pqx test --examples "$R/examples/aa-site" "$TMP/other/renamed.lua"
check_rc "records of a parliament with no script of that name: fine" 0

run pqx test --help
check_contains "--help says DIR is the site's own folder" "$OUT" "--examples DIR          the site's own folder of pages"
done_testing
