#!/bin/sh
# test_diff.sh: pqx test matches a page's records by id, so an inserted, missing or
# changed record is reported by its id and does not shift the other records' diffs.
. tests/cli/lib.sh
E="$TMP/uk-lords"
mkdir -p "$E"
cp examples/uk-lords/lords-wa-2008-04-23-0001.html "$E/p.html"
X=examples/uk-lords/lords-wa-2008-04-23-0001.expected.json
# the expected file without its 3rd record, with the 5th title changed and one record
# the page does not give
python3 - "$X" "$E/p.expected.json" <<'PY'
import json, sys
recs = json.load(open(sys.argv[1]))
third = recs.pop(2)["id"]
recs[3]["title"] = "A changed title"
recs.append(dict(recs[0], id="uk-lords:2008-04-23-HL9999", number="HL9999"))
json.dump(recs, open(sys.argv[2], "w"), ensure_ascii=False, indent=2)
open(sys.argv[2] + ".ids", "w").write(third + "\n" + recs[3]["id"] + "\n")
PY
third=$(sed -n 1p "$E/p.expected.json.ids")
fifth=$(sed -n 2p "$E/p.expected.json.ids")
run pqx test --examples "$E" scripts/uk-lords.lua
check_rc "differences: exit 1" 1
check_contains "an extra record is named by its id" "$OUT" "records[$third]: the page gives this record, none is expected"
check_contains "a missing record is named by its id" "$OUT" "records[uk-lords:2008-04-23-HL9999]: expected this record, the page gives none"
check_contains "a changed field is named by record id" "$OUT" "records[$fifth].title: expected \"A changed title\", got"
check_contains "exactly three differences, nothing shifted" "$OUT" "3 differences"
run pqx test --tap --examples "$E" scripts/uk-lords.lua
check_contains "tap: an extra record by id" "$OUT" "not ok - $E/p.html: record $third not expected, the page gives it"
check_contains "tap: a missing record by id" "$OUT" "not ok - $E/p.html: record uk-lords:2008-04-23-HL9999 expected, the page gives none"
check_contains "tap: fields by record id" "$OUT" "ok - $E/p.html: record $fifth authors"
check_eq "tap: only the changed field fails among the shared records" "$(printf '%s\n' "$OUT" | grep -c '^not ok - .*: record [^ ]* [a-z_]*$')" "1"
done_testing
