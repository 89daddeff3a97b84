-- test_dom.lua: the Document/Node API inside the pqx binary (pqx lua):
-- navigation, attributes, positions, text and HTML, identity and lifetimes.
local T = require("harness")

local html = [[
<!DOCTYPE html>
<html><head><title>Test page</title></head>
<body>
<div id="main" class="content wide">
  <h1>Title <b>bold</b></h1>
  <p class="intro">First <i>para</i>graph.</p>
  <!-- a comment -->
  <p>Second<br>line</p>
  <ul><li>one</li><li class="x">two</li><li>three</li></ul>
  <table><tr><td>a</td><td>b</td></tr></table>
  <x-custom data-n="5">custom</x-custom>
</div>
<script>var x = "<p>not a p</p>";</script>
</body></html>
]]

local doc = assert(pqx.parse(html, {path = "test.html"}))
T.eq(pqx.is_document(doc), true, "pqx.parse returns a document")
T.eq(doc.path, "test.html", "doc.path")
T.eq(doc.encoding, "windows-1252", "an undeclared ASCII page decodes as windows-1252")
T.eq(doc.encoding_source, "default", "and says it was the default")
T.eq(doc.root.tag, "html", "doc.root is <html>")
T.eq(doc.body.tag, "body", "doc.body")
T.eq(doc.head.tag, "head", "doc.head")
T.eq(doc.node.type, "document", "doc.node is the document node")

local main = doc:select1("#main")
T.ok(pqx.is_node(main), "select1 returns a node")
T.eq(main.tag, "div", "node.tag")
T.eq(main.type, "element", "node.type")
T.eq(main.line, 4, "node.line")
T.eq(main.col, 1, "node.col")
T.eq(main:attr("id"), "main", "attr")
T.eq(main:attr("ID"), "main", "attr name is case-insensitive")
T.eq(main:attr("nope"), nil, "missing attr is nil")
T.same(main:attrs(), {id = "main", class = "content wide"}, "attrs")
T.eq(main:has_class("wide"), true, "has_class")
T.eq(main:has_class("wid"), false, "has_class matches whole classes")

-- identity through the weak cache
T.ok(doc:select1("#main") == main, "same node is the same value")
local seen = {[main] = true}
T.ok(seen[doc:select1("div")], "nodes work as table keys")
T.ok(main:children()[1]:parent() == main, "parent of child is the node")

-- navigation
local kids = main:children()
T.eq(#kids, 6, "children are elements only")
T.eq(kids[1].tag, "h1", "first child")
T.eq(main:first_child().tag, "h1", "first_child")
T.eq(main:last_child().tag, "x-custom", "last_child of a custom element tag")
local nodes = main:child_nodes()
T.ok(#nodes > #kids, "child_nodes include text and comments")
local types = {}
for _, n in ipairs(nodes) do types[n.type] = true end
T.ok(types.comment and types.whitespace, "child_nodes types: comment, whitespace")
local p1 = doc:select1("p.intro")
T.eq(p1:next().tag, "p", "next element sibling skips comment")
T.eq(p1:prev().tag, "h1", "prev element sibling")
T.eq(p1:next_node().type, "whitespace", "next_node is any node")
T.eq(kids[1]:prev(), nil, "no prev element")
T.eq(p1:index(), 2, "index among element siblings")
local li2 = doc:select1("li.x")
T.eq(li2:closest("div").tag, "div", "closest ancestor")
T.ok(li2:closest("li") == li2, "closest includes self")
T.eq(li2:closest("table"), nil, "closest none")
local anc = li2:ancestors()
T.eq(anc[1].tag, "ul", "ancestors nearest first")
T.eq(anc[#anc].tag, "html", "ancestors up to html")
local h1 = kids[1]
local until_ul = h1:next_until("ul")
T.eq(#until_ul, 2, "next_until stops before the match")
T.eq(until_ul[2].tag, "p", "next_until in order")
local back = doc:select1("table"):prev_until("h1")
T.eq(back[1].tag, "ul", "prev_until nearest first")
T.eq(#back, 3, "prev_until count")
T.eq(#h1:next_until(), 5, "next_until without selector: all following")
T.eq(#doc.body:descendants(), 18, "descendants are elements in document order (tbody and script included)")
T.eq(doc.body:descendants()[1].tag, "div", "descendants first")

-- text
T.eq(p1:text(), "First paragraph.", "inline elements do not add spaces")
T.eq(doc:select1("p:not(.intro)"):text(), "Second\nline", "br breaks lines")
T.eq(h1:text(), "Title bold", "text of nested inline")
T.eq(h1:own_text(), "Title", "own_text")
T.eq(doc:select1("ul"):text(), "one\ntwo\nthree", "li lines")
T.ok(not doc.body:text():find("not a p", 1, true), "script text excluded")
T.ok(doc.body:raw_text():find("not a p", 1, true), "raw_text includes script")
T.eq(doc:select1("li.x"):outer_html(), '<li class="x">two</li>', "outer_html")
T.eq(doc:select1("h1"):inner_html(), "Title <b>bold</b>", "inner_html")
T.eq(doc:select1("x-custom").tag, "x-custom", "custom element tag")
T.eq(tostring(main), '<div id="main" class="content wide"> line 4:1', "tostring of a node")

-- lists
local lis = doc:select("li")
T.eq(#lis, 3, "#list")
T.same({table.unpack(lis:texts())}, {"one", "two", "three"}, "list:texts")
T.eq(lis:first():text(), "one", "list:first")
T.eq(lis:last():text(), "three", "list:last")
T.same({table.unpack(doc:select("li, div"):attrs("class"))}, {"content wide", "x"}, "list:attrs")
T.eq(lis:join(", "), "one, two, three", "list:join")

-- lifetimes: drop the document, keep a node, collect twice, use the node
local kept
do
  local d2 = pqx.parse("<div><p id='k'>kept text</p></div>")
  kept = d2:select1("#k")
end
collectgarbage()
collectgarbage()
T.eq(kept:text(), "kept text", "node keeps its document alive")
T.eq(kept:parent().tag, "div", "navigation after collection")
local d3 = kept:document()
T.ok(pqx.is_document(d3), "node:document()")

-- close then use
local d4 = pqx.parse("<p>x</p>")
local p4 = d4:select1("p")
d4:close()
T.raises(function() return p4:text() end, "node of a closed document", "closed: text raises")
T.raises(function() return p4:parent() end, "node of a closed document", "closed: parent raises")
T.raises(function() return d4:select("p") end, "document is closed", "closed: select raises")
T.eq(d4.closed, true, "doc.closed")
d4:close() -- idempotent
T.ok(true, "close twice is harmless")
T.eq(tostring(p4), "<node of a closed document>", "tostring after close")

-- many nodes, collected while the document lives
local big = {"<ul>"}
for i = 1, 2000 do big[#big + 1] = "<li>" .. i .. "</li>" end
big[#big + 1] = "</ul>"
local bd = pqx.parse(table.concat(big))
for _ = 1, 3 do
  local n = 0
  for _, li in ipairs(bd:select("li")) do n = n + #li:text() end
  collectgarbage()
  T.eq(n, 6893, "texts of 2000 nodes after collection")
end

-- selector errors are raised with the column
T.raises(function() doc:select("div > )p") end, [[unexpected ')' at column 7 in "div > )p"]], "bad selector raises with column")
T.raises(function() doc:select("td:foo") end, "unknown pseudo-class", "unknown pseudo-class raises")
-- contracts
T.raises(function() doc:select("li", {min = 4}) end, 'selector "li" matched 3 elements, expected at least 4', "min contract")
T.raises(function() doc:select("li", {max = 2}) end, "expected at most 2", "max contract")
T.raises(function() doc:one("li") end, 'selector "li" matched 3 elements, expected exactly 1', "one() contract")
T.eq(doc:one("h1").tag, "h1", "one() returns the single match")

-- compiled selectors
local s = pqx.selector("li.x")
T.eq(#s:select(doc), 1, "compiled selector select")
T.eq(s:matches(li2), true, "compiled selector matches")
T.ok(pqx.selector("li.x") == s, "compiled selectors are cached by string")
T.eq(li2:matches("ul > li"), true, "node:matches")
T.same({table.unpack(doc:select("li::text"))}, {"one", "two", "three"}, "::text returns strings")
T.same({table.unpack(doc:select("div::attr(id)"))}, {"main"}, "::attr returns strings")

-- JSON
T.eq(pqx.json({b = 1, a = {1, 2}, c = "é\n"}), '{"a":[1,2],"b":1,"c":"é\\n"}', "canonical JSON sorts keys")
T.raises(function() pqx.json({node = main}) end, "node: a DOM node cannot be stored", "JSON refuses nodes")
T.raises(function() pqx.json({x = "\255"}) end, "x: string is not valid UTF-8", "JSON refuses invalid UTF-8")
T.eq(pqx.json({}), "[]", "an empty table is an empty array")
T.eq(pqx.json(setmetatable({}, {__jsontype = "object"})), "{}", "an empty table marked as an object")
local recs = pqx.record.canonicalise({{schema = "pqx.question/1", dates = {}, extra = {}, authors = {}}})
T.eq(pqx.json(recs[1]), '{"authors":[],"dates":{},"extra":{},"schema":"pqx.question/1"}',
  "record.canonicalise keeps empty object fields objects")
local cyc = {}
cyc.self = cyc
T.raises(function() pqx.json(cyc) end, "nested too deeply", "JSON stops on cycles")

os.exit(T.failed == 0 and 0 or 1, true) -- close the state: valgrind sees no leak
