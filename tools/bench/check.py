"""check.py: the benchmark checks the records before it prints any figure.

Usage: python3 check.py MANIFEST < records.jsonl
Every page of the generated corpus must give exactly one record whose id, status,
dates, title and number of answer sections are the ones the generator wrote into
its manifest (windows-1252 there, decoded here). Exits 1 with the first differences.
"""
import json
import sys


def main():
    want = {}
    with open(sys.argv[1], encoding="windows-1252") as f:
        for line in f:
            file, rid, status, asked, answered, sections, title = line.rstrip("\n").split("\t")
            want[rid] = (status, asked, answered or None, int(sections), title)
    got = {}
    for line in sys.stdin:
        rec = json.loads(line)
        answers = rec.get("answers") or []
        got[rec["id"]] = (rec["status"], rec["dates"].get("asked"), rec["dates"].get("answered"),
                          len(answers[0].get("sections") or []) if answers else 0, rec.get("title"))
    bad = [(k, want.get(k), got.get(k)) for k in sorted(set(want) | set(got)) if want.get(k) != got.get(k)]
    for k, w, g in bad[:5]:
        print(f"bench: record {k}: expected {w}, got {g}", file=sys.stderr)
    if bad:
        print(f"bench: {len(bad)} of {len(want)} records differ from the manifest", file=sys.stderr)
        sys.exit(1)
    print(f"bench: {len(got)} records checked against the manifest", file=sys.stderr)


main()
