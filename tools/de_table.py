#!/usr/bin/env python3
"""de_table.py: the per-parliament table of the German scripts, in Markdown.

Run from the repository root:  python3 tools/de_table.py [--peer DIR]

For each scripts/de-*.lua it reads only files of the repository (and the peer's
scrapers, when DIR exists):
  pages      example pages of examples/de-XX/ that have an expected file (what
             `pqx test` checks), and how many of them must fail (an expected error)
  records    records in those expected files: detail / list (source.kind)
  fields     non-empty top-level fields of the records, summed (a field counts when
             its value is not null, "", [] or {}; schema, id, parliament and number
             count too), and the mean per record
  lines      non-blank, non-comment lines of the script and of the peer's scraper
             for the same parliament (Lua: "--" lines and --[[ ]] blocks are comments;
             Ruby: "#" lines and =begin/=end blocks), and their ratio
  not reproduced
             the fields the peer's tests assert that pqx's records do not hold, from
             the line "Asserted but not reproduced: ..." of examples/de-XX/README.md
             (items separated by ";", each a field name and a reason in parentheses)
The expected files are what `pqx test` holds the scripts to, so the figures are the
scripts' output on the example pages.
"""
import argparse
import glob
import json
import os
import re
import statistics
import sys

PEER = {
    "de-bb": ["brandenburg_landtag_scraper.rb"],
    "de-be": ["berlin_agh_scraper.rb"],
    "de-bundestag": ["bundestag_scraper.rb"],
    "de-bw": ["baden_wuerttemberg_landtag_scraper.rb"],
    "de-by": ["bayern_landtag_scraper.rb"],
    "de-hb": ["bremen_buergerschaft_scraper.rb"],
    "de-he": ["hessen_scraper.rb"],
    "de-hh": ["hamburg_buergerschaft_scraper.rb"],
    "de-mv": ["meck_pomm_landtag_scraper.rb"],
    "de-ni": ["niedersachsen_landtag_scraper.rb"],
    "de-nw": ["nordrhein_westfalen_landtag_scraper.rb"],
    "de-rp": ["rheinland_pfalz_landtag_scraper.rb"],
    "de-sh": ["schleswig_holstein_landtag_scraper.rb"],
    "de-sl": ["saarland_scraper.rb"],
    # the peer's sachsen_export_scraper.rb reads the XML export, which pqx does not read
    "de-sn": ["sachsen_scraper.rb"],
    "de-st": ["sachsen_anhalt_landtag_scraper.rb"],
    "de-th": ["thueringen_landtag_scraper.rb"],
}
MARK = "Asserted but not reproduced:"


def lua_lines(path):
    n, in_block, close = 0, False, None
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        if in_block:
            if close in s:
                in_block = False
                rest = s.split(close, 1)[1].strip()
                if rest and not rest.startswith("--"):
                    n += 1
            continue
        m = re.match(r"--\[(=*)\[", s)
        if m:
            close = "]" + m.group(1) + "]"
            if close not in s[m.end():]:
                in_block = True
            continue
        if s and not s.startswith("--"):
            n += 1
    return n


def ruby_lines(path):
    n, in_block = 0, False
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        if in_block:
            in_block = not line.startswith("=end")
            continue
        if line.startswith("=begin"):
            in_block = True
            continue
        if s and not s.startswith("#"):
            n += 1
    return n


def filled(rec):
    return sum(1 for v in rec.values() if v not in (None, "", [], {}))


def not_reproduced(readme):
    if not os.path.exists(readme):
        return None
    text = open(readme, encoding="utf-8").read()
    i = text.find(MARK)
    if i < 0:
        return None
    line = " ".join(text[i + len(MARK):].split("\n\n", 1)[0].split())
    line = line.rstrip(".")
    if line.lower() == "none":
        return []
    items, depth, cur = [], 0, ""
    for ch in line:  # split at ";" outside parentheses
        depth += ch == "("
        depth -= ch == ")"
        if ch == ";" and depth == 0:
            items.append(cur.strip())
            cur = ""
        else:
            cur += ch
    items.append(cur.strip())
    return [re.sub(r"\s*\(.*\)$", "", it) for it in items if it]


def row(script, peer_dir):
    site = os.path.basename(script)[:-4]
    ex = os.path.join("examples", site)
    pages = failing = recs = lists = fields = 0
    per_record = []
    for exp in sorted(glob.glob(os.path.join(ex, "*.expected.json"))):
        stem = exp[: -len(".expected.json")]
        if not [p for p in glob.glob(glob.escape(stem) + ".*") if p != exp]:
            continue
        pages += 1
        data = json.load(open(exp, encoding="utf-8"))
        if isinstance(data, dict) and "error" in data:
            failing += 1
            continue
        data = data if isinstance(data, list) else [data]
        for r in data:
            recs += 1
            lists += (r.get("source") or {}).get("kind") == "list"
            f = filled(r)
            fields += f
            per_record.append(f)
    mine = lua_lines(script)
    peer = None
    if peer_dir and os.path.isdir(peer_dir):
        files = [os.path.join(peer_dir, f) for f in PEER.get(site, [])]
        if files and all(os.path.exists(f) for f in files):
            peer = sum(ruby_lines(f) for f in files)
    nr = not_reproduced(os.path.join(ex, "README.md"))
    return {
        "site": site, "pages": pages, "failing": failing, "records": recs, "lists": lists,
        "fields": fields, "mean": statistics.mean(per_record) if per_record else 0,
        "mine": mine, "peer": peer, "nr": nr,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peer", default="../shared/corpus/de-kleineanfragen/peer-scrapers",
                    help="folder of the peer's scrapers (default: %(default)s)")
    args = ap.parse_args()
    scripts = sorted(glob.glob("scripts/de-*.lua"))
    if not scripts:
        sys.exit("de_table.py: no scripts/de-*.lua here; run it from the repository root")
    rows = [row(s, args.peer) for s in scripts]
    print("| parliament | pages (failing) | records (list) | fields filled (mean per record) "
          "| lines pqx | lines peer | pqx/peer | asserted but not reproduced |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    ratios = []
    for r in rows:
        ratio = ""
        if r["peer"]:
            ratios.append(r["mine"] / r["peer"])
            ratio = "%d%%" % round(100 * r["mine"] / r["peer"])
        nr = "(no line in README)" if r["nr"] is None else (", ".join(r["nr"]) if r["nr"] else "none")
        print("| %s | %d%s | %d (%d) | %d (%.1f) | %d | %s | %s | %s |" % (
            r["site"], r["pages"], " (%d)" % r["failing"] if r["failing"] else "", r["records"],
            r["lists"], r["fields"], r["mean"], r["mine"], r["peer"] if r["peer"] else "n/a", ratio, nr))
    tot = {k: sum(r[k] for r in rows) for k in ("pages", "failing", "records", "lists", "fields", "mine")}
    peer_tot = sum(r["peer"] for r in rows if r["peer"])
    print("| **all %d** | %d (%d) | %d (%d) | %d (%.1f) | %d | %s | %s | |" % (
        len(rows), tot["pages"], tot["failing"], tot["records"], tot["lists"], tot["fields"],
        tot["fields"] / tot["records"] if tot["records"] else 0, tot["mine"],
        peer_tot if peer_tot else "n/a",
        "median %d%%" % round(100 * statistics.median(ratios)) if ratios else ""))


if __name__ == "__main__":
    main()
