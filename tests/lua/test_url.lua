-- test_url.lua: pqx.url.resolve, doc.url, doc.base_url (<base href>, the page URL,
-- the script's base_url) and node:url, with links as German Landtag pages print them.
local T = require("harness")

-- pqx.url.resolve
T.eq(pqx.url.resolve("http://a/b/c/d;p?q", "../g"), "http://a/b/g", "resolve: RFC 3986 example")
T.eq(pqx.url.resolve("https://www.landtag.nrw.de/home/dokumente.html", "/portal/WWW/dokumentenarchiv/Dokument/MMD17-1234.pdf"),
     "https://www.landtag.nrw.de/portal/WWW/dokumentenarchiv/Dokument/MMD17-1234.pdf", "resolve: absolute path")
T.eq(pqx.url.resolve("https://parlament-berlin.de/", "ados/18/IIIPlen/vorgang/d18-1 234.pdf"),
     "https://parlament-berlin.de/ados/18/IIIPlen/vorgang/d18-1%20234.pdf", "resolve: space encoded")
T.eq(pqx.url.resolve("https://www.landtag.de/", "Anfrage_Müller.pdf#Seite 2"),
     "https://www.landtag.de/Anfrage_M%C3%BCller.pdf#Seite%202", "resolve: umlaut and fragment encoded")
T.eq(pqx.url.resolve(nil, "https://www.bundestag.de"), "https://www.bundestag.de/", "resolve: nil base, absolute ref")
local u, err = pqx.url.resolve(nil, "drs.pdf")
T.eq(u, nil, "resolve: relative ref and nil base gives nil")
T.ok(err and err:find("needs a base URL", 1, true), "resolve: ... and a message", err)
u, err = pqx.url.resolve("/local/dir/", "drs.pdf")
T.ok(u == nil and err:find('not "/local/dir/"', 1, true), "resolve: relative base named in the message", err)
T.raises(function() pqx.url.resolve(42, "x") end, "base must be a string or nil, not a number", "resolve: bad base raises")
T.raises(function() pqx.url.resolve("http://a/", nil) end, "ref must be a string, not a nil", "resolve: bad ref raises")

-- page URL and <base href>
local html = [[<html><head><title>t</title><base href="../parladoku/"></head><body>
<a id="pdf" href="  Drucksache 18 1234.pdf ">Drs</a> <a id="abs" href="https://www.landtag.de/x">x</a>
<img id="img" src="logo.png"> <a id="js" href="javascript:toggle('abstract')">[mehr]</a>
<a id="empty" href="">e</a> <a id="none">n</a> <span id="data" data-link="/d/1">d</span>
<form id="f" action="suche?q=Anfrage"></form></body></html>]]
local d = pqx.parse(html, {url = "https://www.Bayern.Landtag.de:443/webangebot2/index.html"})
T.eq(d.url, "https://www.bayern.landtag.de/webangebot2/index.html", "doc.url: normalised")
T.eq(d.base_url, "https://www.bayern.landtag.de/parladoku/", "doc.base_url: <base href> resolved against the page URL")
T.eq(d:one("#pdf"):url(), "https://www.bayern.landtag.de/parladoku/Drucksache%2018%201234.pdf", "node:url: href against <base>, trimmed, encoded")
T.eq(d:one("#abs"):url(), "https://www.landtag.de/x", "node:url: absolute link")
T.eq(d:one("#img"):url(), "https://www.bayern.landtag.de/parladoku/logo.png", "node:url: img defaults to src")
T.eq(d:one("#f"):url(), "https://www.bayern.landtag.de/parladoku/suche?q=Anfrage", "node:url: form defaults to action")
T.eq(d:one("#js"):url(), "javascript:toggle('abstract')", "node:url: javascript: as it is")
T.eq(d:one("#empty"):url(), nil, "node:url: empty attribute gives nil")
T.eq(d:one("#none"):url(), nil, "node:url: absent attribute gives nil")
T.eq(d:one("#data"):url("DATA-LINK"), "https://www.bayern.landtag.de/d/1", "node:url: named attribute, any case")

-- script base_url as the fallback, and its place in the order
local nobase = [[<a href="drs/1.pdf">x</a>]]
local fb = pqx.parse(nobase, {base_url = "https://www.landtag-bw.de/home/"})
T.eq(fb.url, nil, "doc.url: nil when the page URL is unknown")
T.eq(fb.base_url, "https://www.landtag-bw.de/home/", "doc.base_url: the script's base_url")
T.eq(fb:one("a"):url(), "https://www.landtag-bw.de/home/drs/1.pdf", "node:url: against the script's base_url")
local both = pqx.parse(nobase, {url = "https://a.de/p/q.html", base_url = "https://b.de/"})
T.eq(both:one("a"):url(), "https://a.de/p/drs/1.pdf", "node:url: the page URL beats the script's base_url")
local relbase = pqx.parse([[<base href="/archiv/"><a href="1.pdf">x</a>]], {base_url = "https://www.landtag-mv.de/"})
T.eq(relbase:one("a"):url(), "https://www.landtag-mv.de/archiv/1.pdf", "<base href> relative to the script's base_url")
local absbase = pqx.parse([[<base href="https://www.hamburg.de/buergerschaft/"><a href="1.pdf">x</a>]])
T.eq(absbase.base_url, "https://www.hamburg.de/buergerschaft/", "absolute <base href> needs no page URL")
T.eq(absbase:one("a"):url(), "https://www.hamburg.de/buergerschaft/1.pdf", "node:url: absolute <base href> alone")
local none = pqx.parse(nobase)
T.eq(none.base_url, nil, "doc.base_url: nil when nothing is known")
T.raises(function() return none:one("a"):url() end,
         'node:url: no base URL for a relative link "drs/1.pdf" (give --base-url or set base_url in the script)',
         "node:url: relative link without a base raises")
T.eq(pqx.parse([[<a href="https://x.de/a b">x</a>]]):one("a"):url(), "https://x.de/a%20b",
     "node:url: absolute link needs no base")
T.raises(function() pqx.parse("x", {url = "relative/page.html"}) end, 'url "relative/page.html" is not an absolute URL',
         "pqx.parse: relative url raises")

-- a windows-1252 page writes its query in windows-1252, as a browser does
local w = pqx.parse("<meta charset=windows-1252><a href='suche?name=M\252ller&x=\128'>x</a>", {url = "https://www.landtag.de/"})
T.eq(w.encoding, "windows-1252", "windows-1252 page")
T.eq(w:one("a"):url(), "https://www.landtag.de/suche?name=M%FCller&x=%80", "node:url: query in the page's encoding")
local u8 = pqx.parse("<meta charset=utf-8><a href='suche?name=M\195\188ller'>x</a>", {url = "https://www.landtag.de/"})
T.eq(u8:one("a"):url(), "https://www.landtag.de/suche?name=M%C3%BCller", "node:url: UTF-8 page: query in UTF-8")

d:close()
T.eq(d.url, "https://www.bayern.landtag.de/webangebot2/index.html", "doc.url: still known after close")
T.raises(function() return d.base_url end, "document is closed", "doc.base_url of a closed document raises")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
