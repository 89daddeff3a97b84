#!/usr/bin/env python3
"""gen_casefold.py: writes src/casefold_table.h, the Unicode simple case
folding (CaseFolding.txt statuses C and S, not F or T) as runs for
src/casefold.c. Uses only python3's own unicodedata (Debian's python3), so the
table follows the Unicode version that python3 ships; run it again after a
python3 upgrade:  python3 tools/gen_casefold.py > src/casefold_table.h

Python has no simple folding of its own: str.casefold() is the full folding
(C + F). Where it yields one character that is the C mapping; where it yields
several (F), the S mapping, when there is one, is the simple lowercase
(U+1E9E -> U+00DF, U+1F88 -> U+1F80) and otherwise the character stays.
"""
import sys
import unicodedata


def simple_fold(cp):
    c = chr(cp)
    f = c.casefold()
    if len(f) == 1:
        return ord(f)
    low = c.lower()
    if len(low) == 1:
        return ord(low)
    return cp


def runs(pairs):
    """Groups (cp, folded) pairs into [first, count, stride, delta] runs:
    cp = first + k * stride for k < count, each folding to cp + delta."""
    out = []
    for cp, f in pairs:
        d = f - cp
        if out:
            r = out[-1]
            last = r[0] + (r[1] - 1) * r[2]
            if r[3] == d:
                if r[1] == 1 and cp - last in (1, 2):
                    r[2] = cp - last
                    r[1] = 2
                    continue
                if r[1] > 1 and cp - last == r[2]:
                    r[1] += 1
                    continue
        out.append([cp, 1, 1, d])
    return out


def main():
    pairs = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        f = simple_fold(cp)
        if f != cp:
            pairs.append((cp, f))
    rs = runs(pairs)
    w = sys.stdout.write
    w("/*\n * casefold_table.h: Unicode %s simple case folding as runs, written by\n"
      " * tools/gen_casefold.py from python3's unicodedata (do not edit by hand).\n"
      " * %d code points fold, in %d runs. A run {first, count, stride, delta}\n"
      " * folds first + k*stride (k < count) to itself + delta. Sorted by first.\n"
      " */\n" % (unicodedata.unidata_version, len(pairs), len(rs)))
    w("static const struct fold_run fold_runs[] = {\n")
    for first, count, stride, delta in rs:
        w("\t{0x%05X, %d, %d, %d},\n" % (first, count, stride, delta))
    w("};\n")


main()
