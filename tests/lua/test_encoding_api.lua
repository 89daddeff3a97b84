-- test_encoding_api.lua: what decoding did, as pqx.parse documents report it
-- (doc.fallback_bytes, doc.double_encoded, doc.replaced, doc.encoding_warning).
local T = require("harness")

-- a UTF-8 page with a stray windows-1252 en dash (0x96) and a-umlaut (0xE4)
local stray = '<meta charset="utf-8"><p>M\u{e4}rkisch-Oderland \x96 Pl\xe4tze</p>'
local doc = assert(pqx.parse(stray))
T.eq(doc.encoding, "UTF-8", "stray bytes: the page stays UTF-8")
T.eq(doc.body:text(), "M\u{e4}rkisch-Oderland \u{2013} Pl\u{e4}tze", "stray bytes: read as windows-1252")
T.eq(doc.fallback_bytes, 2, "stray bytes: doc.fallback_bytes counts them")
T.eq(doc.replaced, 0, "stray bytes: nothing replaced")
T.ok((doc.encoding_warning or ""):find("2 bytes not valid UTF-8 read as windows-1252 (the first at line 1, column 44", 1, true),
     "stray bytes: doc.encoding_warning gives count and place", doc.encoding_warning)

-- the same page with opts.encoding: an override is strict
local strict = assert(pqx.parse(stray, {encoding = "utf-8"}))
T.eq(strict.encoding_source, "override", "opts.encoding: an override")
T.eq(strict.fallback_bytes, 0, "opts.encoding: nothing read as windows-1252")
T.eq(strict.replaced, 2, "opts.encoding: both bytes are U+FFFD, counted")
T.eq(strict.body:text(), "M\u{e4}rkisch-Oderland \u{fffd} Pl\u{fffd}tze", "opts.encoding: U+FFFD in the text")

-- double encoding is reported, not repaired
local de = assert(pqx.parse('<p>St\u{c3}\u{a4}rkung der \u{e2}\u{20ac}\u{17e}R\u{c3}\u{a4}ume</p>'))
T.eq(de.double_encoded, 3, "double encoding: doc.double_encoded counts the patterns")
T.eq(de.body:text(), "St\u{c3}\u{a4}rkung der \u{e2}\u{20ac}\u{17e}R\u{c3}\u{a4}ume", "double encoding: the text is not changed")
T.ok((de.encoding_warning or ""):find("3 sequences like \"\u{c3}\u{a4}\"", 1, true), "double encoding: warned", de.encoding_warning)

-- replaced counts the U+FFFD the parser puts in, and only those
local ctl = assert(pqx.parse('<p title="&#0;">a\x01b\x7fc&#xD800;d\u{fffd}</p>', {encoding = "utf-8"}))
local _, n = ctl.body:text():gsub("\u{fffd}", "")
T.eq(n, 4, "controls: the text holds four U+FFFD (one was in the source)")
T.eq(ctl.replaced, 4, "controls: replaced counts the three the parser made, and the attribute's")
T.eq(ctl:one("p"):attr("title"), "\u{fffd}", "controls: the attribute's &#0; is U+FFFD")
T.eq(doc.double_encoded, 0, "a clean page has no double encoding")

os.exit(T.failed == 0 and 0 or 1, true)
