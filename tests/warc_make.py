#!/usr/bin/env python3
"""warc_make.py: hand-made web archives for tests/cli/test_warc.sh.

    python3 tests/warc_make.py DIR             the small archives, into DIR
    python3 tests/warc_make.py --many N OUT    N response records of one page, per-record gzip

Each archive is built from records written out byte by byte, so a test can
name the exact offset pqx must report. DIR/offsets.txt lists, per archive,
the offsets of its records (file offsets; gzip member offsets for .gz).
"""
import gzip
import sys
import zlib

DATE = "2024-05-06T07:08:09Z"
N = [0]


def record(wtype, headers, block, clen=None, version="1.0"):
    N[0] += 1
    h = "WARC/%s\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-%012d>\r\n" % (
        version, wtype, N[0])
    h += "".join("%s: %s\r\n" % kv for kv in headers)
    h += "Content-Length: %d\r\n\r\n" % (len(block) if clen is None else clen)
    return h.encode() + block + b"\r\n\r\n"


def response(uri, body, status="200 OK", ctype="text/html", extra=(), date=DATE, clen=None,
             wctype="application/http; msgtype=response"):
    http = "HTTP/1.1 %s\r\n" % status
    if ctype is not None:
        http += "Content-Type: %s\r\n" % ctype
    http += "".join("%s: %s\r\n" % kv for kv in extra) + "\r\n"
    heads = [("WARC-Target-URI", uri)]
    if date is not None:
        heads.append(("WARC-Date", date))
    heads.append(("Content-Type", wctype))
    return record("response", heads, http.encode() + body, clen=clen)


def page(text, head=b""):
    return b"<!DOCTYPE html><html><head>" + head + b"<title>t</title></head><body><p>" + text + \
        b"</p></body></html>\n"


def warcinfo():
    return record("warcinfo", [("WARC-Date", DATE), ("Content-Type", "application/warc-fields")],
                  b"software: warc_make.py\r\nformat: WARC File Format 1.0\r\n")


def request(uri):
    return record("request", [("WARC-Target-URI", uri), ("WARC-Date", DATE),
                              ("Content-Type", "application/http; msgtype=request")],
                  b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n")


def write_plain(path, recs, offsets):
    out, offs = b"", []
    for r in recs:
        offs.append(len(out))
        out += r
    open(path, "wb").write(out)
    offsets.append("%s %s" % (path.rsplit("/", 1)[-1], " ".join(map(str, offs))))


def write_gz(path, recs, offsets):
    out, offs = b"", []
    for r in recs:
        offs.append(len(out))
        out += gzip.compress(r, mtime=0)
    open(path, "wb").write(out)
    offsets.append("%s %s" % (path.rsplit("/", 1)[-1], " ".join(map(str, offs))))


def small(d):
    offs = []
    u = "https://www.example.org/q/"
    # every kind of record pqx skips, and three pages
    write_plain(d + "/mixed.warc", [
        warcinfo(),
        request(u + "1"),
        response(u + "1", page(b"one")),
        record("revisit", [("WARC-Target-URI", u + "1"), ("WARC-Date", DATE),
                           ("WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
                           ("Content-Type", "application/http; msgtype=response")],
               b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"),
        record("metadata", [("WARC-Target-URI", u + "1"), ("WARC-Date", DATE),
                            ("Content-Type", "application/warc-fields")], b"via: test\r\n"),
        response(u + "missing", page(b"not found"), status="404 Not Found"),
        response(u + "moved", b"", status="301 Moved Permanently", extra=[("Location", u + "1")]),
        response(u + "logo.png", b"\x89PNG\r\n\x1a\n", ctype="image/png"),
        response(u + "2", page(b"two"), ctype="text/plain"),               # sniffed: HTML
        response(u + "notes.txt", b"just text\n", ctype="text/plain"),    # sniffed: not HTML
        response(u + "3", page(b"three"), ctype=None),                     # no type: sniffed
        record("resource", [("WARC-Target-URI", u + "r"), ("WARC-Date", DATE),
                            ("Content-Type", "text/html")], page(b"resource")),
        record("response", [("WARC-Target-URI", "dns:www.example.org"), ("WARC-Date", DATE),
                            ("Content-Type", "text/dns")], b"20240506070809\nwww.example.org. 300 IN A 127.0.0.1\n"),
    ], offs)
    # the HTTP charset is the transport label
    latin9 = "ISO-8859-15"
    write_plain(d + "/charset.warc", [
        response(u + "euro", page(b"\xa4 100"), ctype="text/html; charset=" + latin9),
        response(u + "meta", page(b"\xa4 100", b'<meta charset="windows-1252">'),
                 ctype='text/html; charset="iso-8859-15"'),
        response(u + "bom", b"\xef\xbb\xbf" + page(b"\xe2\x82\xac 100"), ctype="text/html; charset=iso-8859-15"),
        response(u + "utf8", page(b"caf\xc3\xa9"), ctype="text/html; charset=windows-1252"),
        response(u + "nocharset", page(b"\xa4 100", b'<meta charset="iso-8859-15">'), ctype="text/html"),
    ], offs)
    # Content-Length lies: too long, then too short (plain), too long (gzip), past the end
    b, c = response(u + "b", page(b"b")), response(u + "c", page(b"c"))
    blk = len(response(u + "a", page(b"a")).split(b"\r\n\r\n", 1)[1]) - 4   # the true block length
    write_plain(d + "/long.warc", [response(u + "a", page(b"a"), clen=blk + 60), b, c], offs)
    write_plain(d + "/short.warc", [response(u + "a", page(b"a"), clen=blk - 20), b, c], offs)
    write_gz(d + "/long.warc.gz", [response(u + "a", page(b"a"), clen=blk + 60), b, c], offs)
    write_plain(d + "/pastend.warc", [b, response(u + "c", page(b"c"), clen=blk + 5000)], offs)
    # damage where a record should start, and after the last one
    write_plain(d + "/garbage.warc", [b"this is not a WARC record\r\n\r\n", b, c, b"trailing junk"], offs)
    # HTTP bodies: chunked + gzip by hand, deflate, unsupported coding, broken chunking
    z = gzip.compress(page(b"zipped"), mtime=0)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(z[i:i + 7]), z[i:i + 7]) for i in range(0, len(z), 7)) + b"0\r\n\r\n"
    write_plain(d + "/bodies.warc", [
        response(u + "gz", chunked, extra=[("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]),
        response(u + "deflate", zlib.compress(page(b"deflated")), extra=[("Content-Encoding", "deflate")]),
        response(u + "br", b"\x1b\x03\x00", extra=[("Content-Encoding", "br")]),
        response(u + "badchunk", b"zz\r\nxx\r\n0\r\n\r\n", extra=[("Transfer-Encoding", "chunked")]),
        response(u + "cutchunk", b"100\r\n" + page(b"cut"), extra=[("Transfer-Encoding", "chunked")]),
        response(u + "badgzip", b"\x1f\x8b\x08\x00garbage", extra=[("Content-Encoding", "gzip")]),
        response("relative/path", page(b"odd headers"), date="yesterday"),
    ], offs)
    # what crawlers do: a record they cut short; bodies stored decoded under headers that say otherwise
    cut = response(u + "cut", page(b"cut by the crawler")).replace(
        b"Content-Type: application/http", b"WARC-Truncated: length\r\nContent-Type: application/http", 1)
    write_plain(d + "/crawlers.warc", [
        cut,
        response(u + "dechunked", page(b"stored dechunked"), extra=[("Transfer-Encoding", "chunked")]),
        response(u + "unzipped", page(b"stored unzipped"), extra=[("Content-Encoding", "gzip")]),
    ], offs)
    # WARC/1.1 with a fractional WARC-Date; a version pqx does not read
    r11 = response(u + "v11", page(b"eleven"), date="2024-05-06T07:08:09.123456Z").replace(b"WARC/1.0", b"WARC/1.1", 1)
    r09 = response(u + "v09", page(b"old")).replace(b"WARC/1.0", b"WARC/0.9", 1)
    write_plain(d + "/versions.warc", [r11, r09, c], offs)
    # a page bigger than --max-bytes 2000
    write_plain(d + "/big.warc", [response(u + "big", page(b"x" * 5000)), c], offs)
    open(d + "/offsets.txt", "w").write("\n".join(offs) + "\n")


def many(n, out):
    pad = b"<!-- " + b"padding " * 6000 + b"-->"   # 48 KB a page, 48 MB per 1,000
    with open(out, "wb") as f:
        f.write(gzip.compress(warcinfo(), mtime=0))
        for i in range(n):
            body = page(b"page %d" % i, pad)
            f.write(gzip.compress(response("https://www.example.org/q/%d" % i, body), mtime=0))


if __name__ == "__main__":
    if sys.argv[1] == "--many":
        many(int(sys.argv[2]), sys.argv[3])
    else:
        small(sys.argv[1])
